namespace CollectionsFx.Domain.Ledger;

/// <summary>
/// One entry of the append-only event log (DOMAIN.md §2). The first event of every accepted change
/// carries the accepted <see cref="Record"/>, so replaying the log rebuilds the ledger.
/// </summary>
public sealed record LedgerEvent(
    string CaseId,
    string ObjectType,
    string Activity,
    DateTimeOffset Timestamp,
    string Resource,
    string CustomerId,
    decimal? Amount = null,
    string? Currency = null,
    string? OldValue = null,
    string? NewValue = null,
    LedgerRecord? Record = null);

/// <summary>What applying one record did.</summary>
public enum ApplyOutcome
{
    /// <summary>The record was new or newer and is now the entity's current version.</summary>
    Applied,

    /// <summary>The ledger already holds this exact version.</summary>
    Duplicate,

    /// <summary>The ledger holds a newer version; the record was ignored.</summary>
    Stale,
}

/// <summary>The outcome of applying one record and the events it appended.</summary>
public sealed record ApplyResult(ApplyOutcome Outcome, IReadOnlyList<LedgerEvent> Events)
{
    internal static readonly ApplyResult Duplicate = new(ApplyOutcome.Duplicate, []);
    internal static readonly ApplyResult Stale = new(ApplyOutcome.Stale, []);
}
