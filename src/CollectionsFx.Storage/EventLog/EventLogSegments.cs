using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Azure.Storage.Blobs;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Storage.EventLog;

/// <summary>One complete export of the event log: its segments in order.</summary>
public sealed record SegmentManifest(string ExportId, DateTimeOffset ExportedAt, long Events, IReadOnlyList<string> Segments);

/// <summary>
/// The event log as immutable, Brotli-compressed NDJSON segments in Blobs, for analytics: cheap to store,
/// loaded in parallel. Segments hold the mining columns, not the records (the Table log keeps those for
/// replay). An export writes all its segments first and then the manifest, so readers only ever see a
/// complete export.
/// </summary>
public sealed class EventLogSegments(BlobContainerClient container, int segmentEvents = EventLogSegments.SegmentEvents)
{
    /// <summary>Default events per segment.</summary>
    public const int SegmentEvents = 100_000;

    private const string ManifestName = "manifest.json";

    private static readonly JsonSerializerOptions Json = LedgerJson.Options;

    /// <summary>Writes <paramref name="events"/> as a new export and makes it the current one.</summary>
    public async Task<SegmentManifest> ExportAsync(IAsyncEnumerable<LedgerEvent> events, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var exportId = string.Create(CultureInfo.InvariantCulture, $"{at:yyyyMMddTHHmmss}-{Guid.NewGuid():N}")[..24];
        var segments = new List<string>();
        var buffer = new List<LedgerEvent>(segmentEvents);
        long total = 0;
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            buffer.Add(e.Record is null ? e : e with { Record = null });
            if (buffer.Count == segmentEvents)
            {
                segments.Add(await WriteSegmentAsync(exportId, segments.Count, buffer, cancellationToken).ConfigureAwait(false));
                total += buffer.Count;
                buffer.Clear();
            }
        }

        if (buffer.Count > 0)
        {
            segments.Add(await WriteSegmentAsync(exportId, segments.Count, buffer, cancellationToken).ConfigureAwait(false));
            total += buffer.Count;
        }

        var manifest = new SegmentManifest(exportId, at, total, segments);
        await container.GetBlobClient(ManifestName).UploadAsync(BinaryData.FromObjectAsJson(manifest, Json), overwrite: true, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>The current export's manifest, or null before the first export.</summary>
    public async Task<SegmentManifest?> ManifestAsync(CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(ManifestName);
        if (!(await blob.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
        {
            return null;
        }

        return (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToObjectFromJson<SegmentManifest>(Json);
    }

    /// <summary>Loads the current export into memory, segments in parallel, events in log order.</summary>
    public async Task<IReadOnlyList<LedgerEvent>> LoadAsync(CancellationToken cancellationToken = default)
    {
        var manifest = await ManifestAsync(cancellationToken).ConfigureAwait(false);
        if (manifest is null)
        {
            return [];
        }

        var parts = new List<LedgerEvent>[manifest.Segments.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, parts.Length),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancellationToken },
            async (i, ct) => parts[i] = await ReadSegmentAsync(manifest.Segments[i], ct).ConfigureAwait(false)).ConfigureAwait(false);

        var all = new List<LedgerEvent>(checked((int)manifest.Events));
        foreach (var part in parts)
        {
            all.AddRange(part);
        }

        return all;
    }

    private async Task<string> WriteSegmentAsync(string exportId, int index, List<LedgerEvent> events, CancellationToken ct)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"exports/{exportId}/{index:D6}.ndjson.br");
        using var buffer = new MemoryStream();
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            using var writer = new Utf8JsonWriter(brotli, new JsonWriterOptions { SkipValidation = true });
            foreach (var e in events)
            {
                JsonSerializer.Serialize(writer, e, Json);
                writer.Flush();
                writer.Reset();
                brotli.WriteByte((byte)'\n');
            }
        }

        buffer.Position = 0;
        await container.GetBlobClient(name).UploadAsync(buffer, overwrite: false, ct).ConfigureAwait(false);
        return name;
    }

    private async Task<List<LedgerEvent>> ReadSegmentAsync(string name, CancellationToken ct)
    {
        var compressed = (await container.GetBlobClient(name).DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content;
        using var brotli = new BrotliStream(compressed.ToStream(), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await brotli.CopyToAsync(plain, ct).ConfigureAwait(false);
        ReadOnlyMemory<byte> bytes = plain.GetBuffer().AsMemory(0, (int)plain.Length);
        var events = new List<LedgerEvent>(segmentEvents);
        while (bytes.Length > 0)
        {
            var end = bytes.Span.IndexOf((byte)'\n');
            var line = end < 0 ? bytes : bytes[..end];
            if (line.Length > 0)
            {
                events.Add(JsonSerializer.Deserialize<LedgerEvent>(line.Span, Json)!);
            }

            bytes = end < 0 ? ReadOnlyMemory<byte>.Empty : bytes[(end + 1)..];
        }

        return events;
    }
}
