using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace CollectionsFx.Storage;

/// <summary>Where state lives: a connection string (Azurite, local) or an account name reached with a managed identity (Azure).</summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Storage";

    /// <summary>Connection string, e.g. <c>UseDevelopmentStorage=true</c>. Wins over <see cref="AccountName"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Storage account name for identity-based access (no shared key).</summary>
    public string? AccountName { get; set; }

    /// <summary>Prefix for table and container names, so several tenants or test runs can share one account.</summary>
    public string Prefix { get; set; } = "cfx";

    /// <summary>True for a prefix that keeps every table and container name valid.</summary>
    public static bool IsValidPrefix(string? prefix) =>
        prefix is { Length: > 0 and <= 20 } && char.IsAsciiLetter(prefix[0]) && prefix.All(char.IsAsciiLetterOrDigit);

    internal TableServiceClient CreateTableService(TableClientOptions? options = null) =>
        ConnectionString is { Length: > 0 } cs
            ? new TableServiceClient(cs, options)
            : new TableServiceClient(new Uri($"https://{Account()}.table.core.windows.net"), new DefaultAzureCredential(), options);

    internal BlobServiceClient CreateBlobService() =>
        ConnectionString is { Length: > 0 } cs
            ? new BlobServiceClient(cs)
            : new BlobServiceClient(new Uri($"https://{Account()}.blob.core.windows.net"), new DefaultAzureCredential());

    /// <summary>Queue clients send Base64 text, which is what the Functions queue trigger reads by default.</summary>
    internal QueueServiceClient CreateQueueService()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        return ConnectionString is { Length: > 0 } cs
            ? new QueueServiceClient(cs, options)
            : new QueueServiceClient(new Uri($"https://{Account()}.queue.core.windows.net"), new DefaultAzureCredential(), options);
    }

    private string Account() => AccountName is { Length: > 0 } a
        ? a
        : throw new InvalidOperationException("Set Storage:ConnectionString or Storage:AccountName.");
}
