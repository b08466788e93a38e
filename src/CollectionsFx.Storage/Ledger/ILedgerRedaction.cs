using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Storage.Ledger;

/// <summary>What a redaction rewrote in one customer's partition.</summary>
public sealed record RedactionCount(int Records, int LogTransactions);

/// <summary>
/// Rewrites a customer's stored ledger in place: its current records and every event of its log (the event log), through the
/// given functions. Versions, sequence numbers and delivery keys stay, so nothing is replayed or seen twice afterwards.
/// </summary>
public interface ILedgerRedaction
{
    Task<RedactionCount> RedactAsync(string customerId, Func<LedgerRecord, LedgerRecord> record, Func<LedgerEvent, LedgerEvent> logEvent, CancellationToken cancellationToken = default);
}
