using CollectionsFx.Api.Imports;
using CollectionsFx.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Cli;

/// <summary>
/// The local host's stand-in for the Functions blob trigger on <c>imports/{name}</c>: every few seconds it
/// imports each .csv in the container that has no report beside it yet, through the same
/// <see cref="ImportHandler"/>.
/// </summary>
public sealed partial class ImportWatcher(StorageLayout layout, ImportHandler imports, TimeProvider time, ILogger<ImportWatcher> logger) : BackgroundService
{
    /// <summary>How often the container is listed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Imports every pending extract once; returns their names.</summary>
    public async Task<IReadOnlyList<string>> ScanAsync(CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var blob in layout.Imports.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            names.Add(blob.Name);
        }

        var pending = names.Where(n => n.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !names.Contains(n + ".report.json")).Order(StringComparer.Ordinal).ToList();
        foreach (var name in pending)
        {
            try
            {
                await imports.ImportBlobAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FormatException or Azure.RequestFailedException)
            {
                // A bad mapping or a missing one: leave a report saying so, so that the file is not retried forever.
                LogFailed(logger, name, ex);
                await layout.Imports.GetBlobClient(name + ".report.json").UploadAsync(BinaryData.FromObjectAsJson(new { error = ex.Message }), overwrite: true, cancellationToken).ConfigureAwait(false);
            }
        }

        return pending;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, "imports/", ex);
            }

            await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Import of {Name} failed")]
    private static partial void LogFailed(ILogger logger, string name, Exception exception);
}
