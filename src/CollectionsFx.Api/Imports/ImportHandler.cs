using System.Text.Json;
using CollectionsFx.Storage;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Api.Imports;

/// <summary>
/// Imports extracts dropped into the <c>imports</c> container: <c>{folder}/{file}.csv</c> is read with the
/// mapping <c>{folder}/mapping.json</c>, and the outcome is written beside it as <c>{file}.csv.report.json</c>.
/// </summary>
public sealed partial class ImportHandler(InvoiceImporter importer, StorageLayout layout, ILogger<ImportHandler> logger)
{
    /// <summary>Handles one new blob; anything but a .csv file is ignored.</summary>
    public async Task<ImportReport?> ImportBlobAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var folder = name.Contains('/', StringComparison.Ordinal) ? name[..name.LastIndexOf('/')] + "/" : string.Empty;
        var mappingBlob = layout.Imports.GetBlobClient(folder + "mapping.json");
        var mapping = ImportMapping.Parse((await mappingBlob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToString());
        var blob = layout.Imports.GetBlobClient(name);
        var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

        // The blob's last-modified time versions its rows: the same file imported twice changes nothing.
        await using var stream = await blob.OpenReadAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var report = await importer.ImportAsync(stream, mapping, new ImportSource(name, properties.Value.LastModified), cancellationToken: cancellationToken).ConfigureAwait(false);
        await layout.Imports.GetBlobClient(name + ".report.json").UploadAsync(BinaryData.FromObjectAsJson(report, new JsonSerializerOptions(JsonSerializerDefaults.Web)), overwrite: true, cancellationToken).ConfigureAwait(false);
        LogImported(logger, name, report.Rows, report.Rejected);
        return report;
    }

    [LoggerMessage(1, LogLevel.Information, "Imported {Name}: {Rows} rows, {Rejected} rejected")]
    private static partial void LogImported(ILogger logger, string name, long rows, long rejected);
}
