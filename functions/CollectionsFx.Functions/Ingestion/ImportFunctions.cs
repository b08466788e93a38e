using CollectionsFx.Api.Imports;
using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;

namespace CollectionsFx.Functions.Ingestion;

/// <summary>
/// Blob trigger of extract imports. Bound to a <see cref="BlobClient"/> so the file is streamed by the importer,
/// never loaded whole. Flex Consumption needs the Event Grid source (see docs/deploy.md).
/// </summary>
public sealed class ImportFunctions(ImportHandler imports)
{
    [Function("ImportInvoiceExtract")]
    public Task Import([BlobTrigger("imports/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob, string name, FunctionContext context) =>
        imports.ImportBlobAsync(name, context.CancellationToken);
}
