using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Insights;

/// <summary>
/// The ledger as it was known at one instant: the highest version of every entity changed at or before it,
/// plus two facts that only the history holds (when an invoice was written off, when a promise was first recorded).
/// </summary>
public sealed record KnownLedger(
    DateTimeOffset At,
    IReadOnlyCollection<LedgerRecord> Records,
    IReadOnlyDictionary<string, DateTimeOffset> WrittenOffAt,
    IReadOnlyDictionary<EntityKey, DateTimeOffset> FirstSeenAt)
{
    /// <summary>The ledger of exactly these records, with no history (write-off and first-seen times from the records themselves).</summary>
    public static KnownLedger Of(IEnumerable<LedgerRecord> records)
    {
        var list = records.ToList();
        return new KnownLedger(
            list.Count == 0 ? DateTimeOffset.MaxValue : list.Max(r => r.ChangedAt),
            list,
            list.OfType<InvoiceRecord>().Where(i => i.WrittenOff).ToDictionary(i => i.Id, i => i.ChangedAt, StringComparer.Ordinal),
            list.OfType<PromiseRecord>().ToDictionary(r => r.Key, r => r.ChangedAt));
    }
}

/// <summary>
/// Every accepted record version of the event log, ordered by when it changed at the source, so that the ledger
/// "as it stood" at any past instant is rebuilt exactly (DSO as it stood on 31 March uses only what was known then).
/// </summary>
public sealed class LedgerTimeline
{
    private readonly LedgerRecord[] versions;

    private LedgerTimeline(LedgerRecord[] versions) => this.versions = versions;

    /// <summary>Number of record versions.</summary>
    public int Count => versions.Length;

    /// <summary>Builds the timeline from the records the event log carries (events without a record are ignored).</summary>
    public static LedgerTimeline FromLog(IEnumerable<LedgerEvent> log) =>
        FromRecords(log.Where(e => e.Record is not null).Select(e => e.Record!));

    /// <summary>Builds the timeline from record versions in any order.</summary>
    public static LedgerTimeline FromRecords(IEnumerable<LedgerRecord> records)
    {
        var array = records.ToArray();

        // Stable sort: versions with the same change time keep their log order.
        var order = Enumerable.Range(0, array.Length).ToArray();
        Array.Sort(order, (a, b) => array[a].ChangedAt.CompareTo(array[b].ChangedAt) is var c && c != 0 ? c : a.CompareTo(b));
        return new LedgerTimeline(order.Select(i => array[i]).ToArray());
    }

    /// <summary>The ledger as known at <paramref name="cutoff"/> (changes at or before it).</summary>
    public KnownLedger At(DateTimeOffset cutoff) => At([cutoff]).Single();

    /// <summary>
    /// The ledger as known at each of <paramref name="cutoffs"/> (ascending), in one sweep over the history.
    /// Lazy: each snapshot is built when the enumeration reaches it.
    /// </summary>
    public IEnumerable<KnownLedger> At(IReadOnlyList<DateTimeOffset> cutoffs)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        for (var i = 1; i < cutoffs.Count; i++)
        {
            if (cutoffs[i] < cutoffs[i - 1])
            {
                throw new ArgumentException("Cutoffs must be in ascending order.", nameof(cutoffs));
            }
        }

        return Sweep(cutoffs);
    }

    private IEnumerable<KnownLedger> Sweep(IReadOnlyList<DateTimeOffset> cutoffs)
    {
        var current = new Dictionary<EntityKey, LedgerRecord>();
        var writtenOff = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);

        // First-seen times (kept for promises: when a promise was made) never change once set, so every snapshot can share the one dictionary.
        var firstSeen = new Dictionary<EntityKey, DateTimeOffset>();
        var next = 0;
        foreach (var cutoff in cutoffs)
        {
            for (; next < versions.Length && versions[next].ChangedAt <= cutoff; next++)
            {
                var r = versions[next];
                if (r.Kind == EntityKind.Promise)
                {
                    firstSeen.TryAdd(r.Key, r.ChangedAt);
                }

                if (current.TryGetValue(r.Key, out var old) && old.Version >= r.Version)
                {
                    continue;
                }

                current[r.Key] = r;
                if (r is InvoiceRecord { WrittenOff: true } && old is not InvoiceRecord { WrittenOff: true })
                {
                    writtenOff[r.Id] = r.ChangedAt;
                }
                else if (r is InvoiceRecord { WrittenOff: false })
                {
                    writtenOff.Remove(r.Id);
                }
            }

            yield return new KnownLedger(cutoff, current.Values.ToList(), new Dictionary<string, DateTimeOffset>(writtenOff, StringComparer.Ordinal), firstSeen);
        }
    }
}
