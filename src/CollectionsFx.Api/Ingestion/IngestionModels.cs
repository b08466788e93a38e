using System.Text.Json;
using System.Text.Json.Serialization;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.Api.Ingestion;

/// <summary>What happened to one event. The first four values equal <see cref="CommitOutcome"/>.</summary>
public enum Outcome
{
    Applied = CommitOutcome.Applied,
    Unchanged = CommitOutcome.Unchanged,
    Stale = CommitOutcome.Stale,
    Duplicate = CommitOutcome.Duplicate,
    Rejected,
}

/// <summary>The outcome of one event of a request.</summary>
public sealed record ItemOutcome(int Index, string? Id, Outcome Outcome, IReadOnlyList<FieldError>? Errors = null, string? DeadLetterId = null);

/// <summary>The response to a batch.</summary>
public sealed record BatchResponse(int Accepted, int Rejected, int Duplicates, IReadOnlyList<ItemOutcome> Items);

/// <summary>JSON options of ingestion responses.</summary>
public static class IngestionJson
{
    /// <summary>camelCase, enums as camelCase strings, nulls omitted.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
