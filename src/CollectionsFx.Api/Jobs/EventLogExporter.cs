using CollectionsFx.Storage.EventLog;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Api.Jobs;

/// <summary>Exports the whole event log from the ledger table into blob segments (a complete, immutable export).</summary>
public sealed partial class EventLogExporter(ILedgerStore ledger, EventLogSegments segments, TimeProvider time, ILogger<EventLogExporter> logger)
{
    /// <summary>Runs one export; returns its manifest.</summary>
    public async Task<SegmentManifest> ExportAsync(CancellationToken cancellationToken)
    {
        var manifest = await segments.ExportAsync(ledger.ReadLogAsync(cancellationToken: cancellationToken), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        LogExported(logger, manifest.Events, manifest.Segments.Count, manifest.ExportId);
        return manifest;
    }

    [LoggerMessage(1, LogLevel.Information, "Exported {Events} events in {Segments} segments as {ExportId}")]
    private static partial void LogExported(ILogger logger, long events, int segments, string exportId);
}
