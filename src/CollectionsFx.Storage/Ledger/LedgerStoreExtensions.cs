namespace CollectionsFx.Storage.Ledger;

/// <summary>Committing records of many customers at once.</summary>
public static class LedgerStoreExtensions
{
    /// <summary>Customers committed in parallel by default: each is its own partition, so they do not contend.</summary>
    public const int DefaultParallelism = 4;

    /// <summary>
    /// Commits <paramref name="items"/> of any customers: one commit per customer (in the items' order within it),
    /// customers in parallel. Returns one outcome per item, in the order of <paramref name="items"/>.
    /// </summary>
    public static async Task<CommitOutcome[]> CommitByCustomerAsync(
        this ILedgerStore store, IReadOnlyList<IncomingRecord> items, CancellationToken cancellationToken, int parallelism = DefaultParallelism)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(items);
        var outcomes = new CommitOutcome[items.Count];
        var customers = Enumerable.Range(0, items.Count).GroupBy(i => items[i].Record.CustomerId, StringComparer.Ordinal);
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (customer, ct) =>
        {
            var indexes = customer.ToList();
            var committed = await store.CommitAsync(customer.Key, [.. indexes.Select(i => items[i])], ct).ConfigureAwait(false);
            for (var k = 0; k < indexes.Count; k++)
            {
                outcomes[indexes[k]] = committed[k];
            }
        }).ConfigureAwait(false);
        return outcomes;
    }
}
