using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;

namespace CollectionsFx.Storage.Ledger;

/// <summary>
/// Long, repetitive text (a transaction's events as JSON) stored Brotli-compressed across binary properties
/// of at most 64 KB each: about a tenth of the bytes to send and store.
/// </summary>
internal static class CompressedText
{
    private const int Chunk = 60_000;
    private const int MaxChunks = 15;

    public static void Write(TableEntity entity, string name, string text)
    {
        using var buffer = new MemoryStream();
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            brotli.Write(Encoding.UTF8.GetBytes(text));
        }

        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var chunks = Math.Max(1, (bytes.Length + Chunk - 1) / Chunk);
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"'{name}' compresses to {bytes.Length} bytes: more than one table entity holds.");
        }

        entity[name + "Parts"] = chunks;
        for (var i = 0; i < chunks; i++)
        {
            entity[name + i] = bytes.Slice(i * Chunk, Math.Min(Chunk, bytes.Length - (i * Chunk))).ToArray();
        }
    }

    public static string Read(TableEntity entity, string name)
    {
        var parts = entity.GetInt32(name + "Parts") ?? 0;
        using var compressed = new MemoryStream();
        for (var i = 0; i < parts; i++)
        {
            compressed.Write(entity.GetBinary(name + i));
        }

        compressed.Position = 0;
        using var brotli = new BrotliStream(compressed, CompressionMode.Decompress);
        using var reader = new StreamReader(brotli, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
