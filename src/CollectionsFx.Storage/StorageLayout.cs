using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;

namespace CollectionsFx.Storage;

/// <summary>The tables and containers of one CollectionsFx deployment, named with its prefix.</summary>
public sealed record StorageLayout(
    TableClient Ledger, TableClient Connectors, TableClient Targets, TableClient Scores, TableClient Outbox,
    BlobContainerClient DeadLetters, BlobContainerClient RawPayloads, BlobContainerClient Imports, BlobContainerClient EventLog, BlobContainerClient Insights,
    BlobContainerClient Models, QueueClient Rescore, QueueClient RescorePoison, TableClient Tasks)
{
    /// <summary>The rescore queue's name for a prefix (the Functions queue trigger reads it from the app setting <c>RescoreQueue</c>).</summary>
    public static string RescoreQueueName(string prefix) => (prefix ?? throw new ArgumentNullException(nameof(prefix))).ToLowerInvariant() + "-rescore";

    /// <summary>Clients for the names that <paramref name="options"/> prefix.</summary>
    public static StorageLayout Create(StorageOptions options, TableClientOptions? tableOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tables = options.CreateTableService(tableOptions);
        var blobs = options.CreateBlobService();
        var p = options.Prefix.ToLowerInvariant();
        return new StorageLayout(
            tables.GetTableClient(p + "ledger"),
            tables.GetTableClient(p + "connectors"),
            tables.GetTableClient(p + "targets"),
            tables.GetTableClient(p + "scores"),
            tables.GetTableClient(p + "outbox"),
            blobs.GetBlobContainerClient(p + "-deadletters"),
            blobs.GetBlobContainerClient(p + "-raw"),
            // Named as the blob trigger expects it: extracts dropped into `imports/` are imported.
            blobs.GetBlobContainerClient("imports"),
            blobs.GetBlobContainerClient(p + "-eventlog"),
            blobs.GetBlobContainerClient(p + "-insights"),
            blobs.GetBlobContainerClient(p + "-models"),
            options.CreateQueueService().GetQueueClient(RescoreQueueName(p)),
            options.CreateQueueService().GetQueueClient(RescoreQueueName(p) + "-poison"),
            tables.GetTableClient(p + "tasks"));
    }

    /// <summary>Creates what does not exist yet (idempotent).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await Ledger.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await Connectors.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await Targets.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await Scores.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await Outbox.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await Tasks.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var c in new[] { DeadLetters, RawPayloads, Imports, EventLog, Insights, Models })
        {
            await c.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await Rescore.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Creates tables and containers when the host starts.</summary>
internal sealed class StorageInitializer(StorageLayout layout) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => layout.EnsureCreatedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
