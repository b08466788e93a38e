using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Storage.Ledger;

/// <summary>A record to commit, with the key that makes its delivery idempotent (e.g. CloudEvents source + id).</summary>
public sealed record IncomingRecord(LedgerRecord Record, string? DedupeKey = null);

/// <summary>What committing one incoming record did.</summary>
public enum CommitOutcome
{
    /// <summary>Accepted: the ledger changed and events were appended.</summary>
    Applied,

    /// <summary>The ledger already held this version of the entity.</summary>
    Unchanged,

    /// <summary>The ledger holds a newer version; this one was ignored.</summary>
    Stale,

    /// <summary>The same delivery (dedupe key) was committed before; nothing happened.</summary>
    Duplicate,
}

/// <summary>One committed transaction of the log: its partition, sequence number, commit time (writer's clock) and events.</summary>
public sealed record LogTransaction(string Partition, long Sequence, DateTimeOffset CommittedAt, IReadOnlyList<LedgerEvent> Events);

/// <summary>The AR ledger and its event log, partitioned by customer.</summary>
public interface ILedgerStore
{
    /// <summary>Applies the records of one customer, atomically per record, and returns one outcome per record.</summary>
    Task<IReadOnlyList<CommitOutcome>> CommitAsync(string customerId, IReadOnlyList<IncomingRecord> items, CancellationToken cancellationToken = default);

    /// <summary>The current ledger of one customer.</summary>
    Task<Domain.Ledger.Ledger> LoadAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>The event log, in append order per customer; all customers when <paramref name="customerId"/> is null.</summary>
    IAsyncEnumerable<LedgerEvent> ReadLogAsync(string? customerId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The log's transactions of all customers, those committed at or after <paramref name="committedSince"/> when given
    /// (by each writer's clock, so readers overlap their windows and de-duplicate by partition and sequence).
    /// </summary>
    IAsyncEnumerable<LogTransaction> ReadTransactionsAsync(DateTimeOffset? committedSince = null, CancellationToken cancellationToken = default);
}
