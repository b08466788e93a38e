using System.Text.Json;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.Api.Recovery;

/// <summary>One way the rebuilt state and the live state differ.</summary>
public sealed record ReplayDifference(string CustomerId, string Entity, string Problem);

/// <summary>What a replay did: customers and records rebuilt, log events read, where it wrote them, and every difference.</summary>
public sealed record ReplayReport(int Customers, int Records, long Events, string? Target, IReadOnlyList<ReplayDifference> Differences)
{
    public bool Equal => Differences.Count == 0;
}

/// <summary>
/// The disaster-recovery drill (issue 7): the ledger's state rebuilt from its event log alone, customer by customer (the first
/// event of every accepted change carries the record, <see cref="Ledger.Replay"/>), and compared with the live records entity
/// by entity (same entities, same versions, same content). With a target store it also writes the rebuilt state there, as a
/// restore would, and compares what the target then holds. Customers with records but no log are reported too.
/// </summary>
public sealed class LedgerReplay(TableLedgerStore live)
{
    /// <summary>At most this many differences are listed (the count of customers still covers all).</summary>
    public const int MaxDifferences = 1_000;

    public async Task<ReplayReport> RunAsync(TableLedgerStore? target = null, string? targetName = null, CancellationToken cancellationToken = default)
    {
        var differences = new List<ReplayDifference>();
        var (customers, records, events) = (0, 0, 0L);
        var logged = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var batch = new List<LedgerEvent>();
        async Task FlushAsync()
        {
            if (current is null)
            {
                return;
            }

            var rebuilt = Ledger.Replay(batch);
            customers++;
            records += rebuilt.Records.Count;
            Compare(current, rebuilt, await live.LoadAsync(current, cancellationToken).ConfigureAwait(false), "live", differences);
            if (target is not null)
            {
                // Oldest version first per entity is not needed: the rebuilt ledger holds one current version of each. What
                // the target then holds is compared with the rebuilt state (which was just compared with the live one).
                await target.CommitAsync(current, [.. rebuilt.Records.Select(r => new IncomingRecord(r))], cancellationToken).ConfigureAwait(false);
                Compare(current, rebuilt, await target.LoadAsync(current, cancellationToken).ConfigureAwait(false), "restored", differences);
            }

            batch.Clear();
        }

        // The whole log in partition order: one customer's transactions after another, in sequence.
        await foreach (var e in live.ReadLogAsync(null, cancellationToken).ConfigureAwait(false))
        {
            events++;
            if (e.CustomerId != current)
            {
                await FlushAsync().ConfigureAwait(false);
                current = e.CustomerId;
                logged.Add(current);
            }

            batch.Add(e);
        }

        await FlushAsync().ConfigureAwait(false);
        await foreach (var customer in live.CustomersWithRecordsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!logged.Contains(customer))
            {
                Add(differences, new ReplayDifference(customer, "*", "has records but no event log: it cannot be rebuilt"));
            }
        }

        return new ReplayReport(customers, records, events, targetName, differences);
    }

    private static void Compare(string customer, Ledger rebuilt, Ledger actual, string what, List<ReplayDifference> differences)
    {
        var expected = rebuilt.Records.ToDictionary(r => r.Key);
        var found = actual.Records.ToDictionary(r => r.Key);
        foreach (var (key, record) in expected)
        {
            if (!found.TryGetValue(key, out var other))
            {
                Add(differences, new ReplayDifference(customer, Name(key), $"in the event log, missing from the {what} records"));
            }
            else if (other.Version != record.Version)
            {
                Add(differences, new ReplayDifference(customer, Name(key), $"version {record.Version} in the event log, {other.Version} in the {what} records"));
            }
            else if (JsonSerializer.Serialize(other, other.GetType(), LedgerJson.Options) != JsonSerializer.Serialize(record, record.GetType(), LedgerJson.Options))
            {
                Add(differences, new ReplayDifference(customer, Name(key), $"the {what} record differs from the event log's at the same version"));
            }
        }

        foreach (var key in found.Keys.Where(k => !expected.ContainsKey(k)))
        {
            Add(differences, new ReplayDifference(customer, Name(key), $"in the {what} records, not in the event log"));
        }
    }

    private static string Name(EntityKey key) => $"{key.Kind} {key.Id}";

    private static void Add(List<ReplayDifference> differences, ReplayDifference difference)
    {
        if (differences.Count < MaxDifferences)
        {
            differences.Add(difference);
        }
    }
}
