using System.Globalization;
using System.Text.Json;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Blobs;

namespace CollectionsFx.Api.Ingestion;

/// <summary>Validates one structured-mode CloudEvent 1.0 and maps its data to a ledger record.</summary>
public static class CloudEventMapper
{
    /// <summary>The result of mapping one event: a record and its dedupe key, or the field errors.</summary>
    public sealed record Mapped(LedgerRecord? Record, string? DedupeKey, string? EventId, string? EventType, IReadOnlyList<FieldError> Errors);

    /// <summary>Maps one event; <paramref name="receivedAt"/> stands in for a missing <c>time</c>.</summary>
    public static Mapped Map(JsonElement e, DateTimeOffset receivedAt, string routeSource)
    {
        var f = new FieldReader(e, "");
        if (e.ValueKind != JsonValueKind.Object)
        {
            return new Mapped(null, null, null, null, [new FieldError("event", "must be a JSON object")]);
        }

        var specVersion = f.RequiredString("specversion", 10);
        if (specVersion.Length > 0 && specVersion != "1.0")
        {
            f.Fail("specversion", "must be \"1.0\"");
        }

        var id = f.RequiredString("id");
        var source = f.RequiredString("source", 1000);
        var type = f.RequiredString("type");
        if (type.Length > 0 && !EventTypes.All.Contains(type))
        {
            f.Fail("type", $"unknown event type '{type}'; expected one of {string.Join(", ", EventTypes.All)}");
        }

        var time = f.OptionalInstant("time");
        if (f.OptionalString("datacontenttype", 100) is { } dct && !dct.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            f.Fail("datacontenttype", "must be application/json");
        }

        var hasData = e.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null;
        if (!hasData)
        {
            f.Fail("data", e.TryGetProperty("data_base64", out _) ? "must be JSON (data_base64 is not accepted)" : "is required");
        }

        var eventId = id.Length > 0 ? id : null;
        if (f.Errors.Count > 0)
        {
            return new Mapped(null, null, eventId, type, f.Errors);
        }

        var envelope = new EventTypes.Envelope(time?.UtcTicks, time ?? receivedAt, routeSource);
        var (record, errors) = EventTypes.Map(type, data, envelope);
        return new Mapped(record, string.Create(CultureInfo.InvariantCulture, $"{source}\n{id}"), eventId, type, errors);
    }
}
