namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>Collects an async sequence (a ledger log, a dead-letter listing) for assertions.</summary>
internal static class AsyncEnumerables
{
    public static async Task<List<T>> CollectAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
