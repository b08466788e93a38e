using System.Globalization;
using System.Text.Json;

namespace CollectionsFx.Domain.Mining.Interchange;

/// <summary>An object an OCEL event relates to.</summary>
public sealed record OcelRelationship(string ObjectId, string ObjectType, string Qualifier);

/// <summary>One event of an object-centric log.</summary>
public sealed record OcelEvent(string Id, string Type, DateTimeOffset Time, IReadOnlyList<KeyValuePair<string, string>> Attributes, IReadOnlyList<OcelRelationship> Relationships);

/// <summary>
/// OCEL 2.0 JSON (ocel-standard.org): export streams events first and then the objects they touched, so a large log is
/// written without being held whole; import flattens the log on one object type (each object of that type is a case,
/// as pm4py's flattening does) into a <see cref="MiningLogBuilder"/>.
/// </summary>
public static class Ocel
{
    /// <summary>Writes an OCEL 2.0 JSON document. Event and object types are declared from what the events use.</summary>
    public static async Task WriteAsync(Stream output, IAsyncEnumerable<OcelEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        var objects = new Dictionary<string, string>(StringComparer.Ordinal);
        var eventTypes = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        json.WriteStartObject();
        json.WriteStartArray("events");
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            json.WriteStartObject();
            json.WriteString("id", e.Id);
            json.WriteString("type", e.Type);
            json.WriteString("time", e.Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteStartArray("attributes");
            if (!eventTypes.TryGetValue(e.Type, out var names))
            {
                eventTypes[e.Type] = names = new SortedSet<string>(StringComparer.Ordinal);
            }

            foreach (var (name, value) in e.Attributes)
            {
                names.Add(name);
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("value", value);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("relationships");
            foreach (var r in e.Relationships)
            {
                objects.TryAdd(r.ObjectId, r.ObjectType);
                json.WriteStartObject();
                json.WriteString("objectId", r.ObjectId);
                json.WriteString("qualifier", r.Qualifier);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            if (json.BytesPending > 64 * 1024)
            {
                await json.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        json.WriteEndArray();
        json.WriteStartArray("objects");
        foreach (var (id, type) in objects)
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("type", type);
            json.WriteStartArray("attributes");
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("eventTypes");
        foreach (var (type, names) in eventTypes.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", type);
            json.WriteStartArray("attributes");
            foreach (var name in names)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("type", "string");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("objectTypes");
        foreach (var type in objects.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", type);
            json.WriteStartArray("attributes");
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The events of a mining log as OCEL events: each case is one object of <paramref name="objectType"/>.</summary>
    public static async IAsyncEnumerable<OcelEvent> FromMiningLog(MiningLog log, string objectType = "case")
    {
        ArgumentNullException.ThrowIfNull(log);
        var n = 0;
        for (var c = 0; c < log.CaseCount; c++)
        {
            foreach (var e in log.EventsOf(c))
            {
                IReadOnlyList<KeyValuePair<string, string>> attributes = string.IsNullOrEmpty(e.Resource) ? [] : [new("org:resource", e.Resource)];
                yield return new OcelEvent("e" + (++n).ToString(CultureInfo.InvariantCulture), e.Activity, e.Timestamp, attributes, [new OcelRelationship(e.CaseId, objectType, objectType)]);
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>
    /// Reads an OCEL 2.0 JSON document, flattened on <paramref name="objectType"/>: every event related to an object of that
    /// type becomes an event of that object's case (an event related to two such objects appears in both).
    /// Errors name the JSON path; events without time or type are skipped and reported.
    /// </summary>
    public static MiningLogBuilder Read(Stream input, string objectType)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(input);
        }
        catch (JsonException e)
        {
            throw new FormatException($"OCEL JSON line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("objects", out var objects) || !root.TryGetProperty("events", out var events))
            {
                throw new FormatException("OCEL JSON: $ must be an object with 'objects' and 'events' arrays.");
            }

            var ofType = new HashSet<string>(StringComparer.Ordinal);
            foreach (var o in objects.EnumerateArray())
            {
                if (o.TryGetProperty("type", out var t) && t.GetString() == objectType && o.TryGetProperty("id", out var id) && id.GetString() is { } objectId)
                {
                    ofType.Add(objectId);
                }
            }

            var builder = new MiningLogBuilder();
            var i = -1;
            foreach (var e in events.EnumerateArray())
            {
                i++;
                var type = e.TryGetProperty("type", out var t) ? t.GetString() : null;
                var timeText = e.TryGetProperty("time", out var tm) ? tm.GetString() : null;
                if (type is null || !DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                {
                    builder.Skipped.Add(new SkippedEvent($"$.events[{i}]", type is null ? "has no type" : $"has no valid time ('{timeText}')"));
                    continue;
                }

                string? resource = null;
                if (e.TryGetProperty("attributes", out var attributes))
                {
                    foreach (var a in attributes.EnumerateArray())
                    {
                        if (a.TryGetProperty("name", out var name) && name.GetString() is "org:resource" or "resource")
                        {
                            resource = a.GetProperty("value").ToString();
                        }
                    }
                }

                if (e.TryGetProperty("relationships", out var relationships))
                {
                    foreach (var r in relationships.EnumerateArray())
                    {
                        if (r.TryGetProperty("objectId", out var oid) && oid.GetString() is { } objectId && ofType.Contains(objectId))
                        {
                            builder.Add(objectId, type, time, resource);
                        }
                    }
                }
            }

            return builder;
        }
    }
}
