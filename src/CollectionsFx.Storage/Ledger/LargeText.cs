using Azure.Data.Tables;

namespace CollectionsFx.Storage.Ledger;

/// <summary>Stores text longer than one Table string property (32K UTF-16 chars) across numbered properties.</summary>
internal static class LargeText
{
    private const int Chunk = 30_000;
    private const int MaxChunks = 15; // 15 × 30K UTF-16 chars (60 KB each) stays under the 1 MiB entity limit.

    public static void Write(TableEntity entity, string name, string text)
    {
        var chunks = (text.Length + Chunk - 1) / Chunk;
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"'{name}' is {text.Length} characters: more than one table entity holds.");
        }

        entity[name + "Parts"] = Math.Max(chunks, 1);
        for (var i = 0; i < chunks; i++)
        {
            entity[name + i] = text.Substring(i * Chunk, Math.Min(Chunk, text.Length - (i * Chunk)));
        }
    }

    /// <summary>Every column a text named <paramref name="name"/> may use, for a query's select list.</summary>
    public static IEnumerable<string> Columns(string name) => [name + "Parts", .. Enumerable.Range(0, MaxChunks).Select(i => name + i)];

    public static string Read(TableEntity entity, string name)
    {
        var parts = entity.GetInt32(name + "Parts") ?? 0;
        return parts == 1 ? entity.GetString(name + "0") ?? string.Empty : string.Concat(Enumerable.Range(0, parts).Select(i => entity.GetString(name + i)));
    }
}
