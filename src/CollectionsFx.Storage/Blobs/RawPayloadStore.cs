using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CollectionsFx.Storage.Blobs;

/// <summary>Every request body as it arrived, kept before it is processed (audit and replay).</summary>
public interface IRawPayloadStore
{
    /// <summary>Stores a raw body and returns its blob name.</summary>
    Task<string> SaveAsync(string source, string requestId, DateTimeOffset receivedAt, BinaryData body, string contentType, CancellationToken cancellationToken = default);
}

/// <summary>Raw payloads as blobs <c>{source}/{yyyy}/{MM}/{dd}/{requestId}</c>.</summary>
public sealed class BlobRawPayloadStore(BlobContainerClient container) : IRawPayloadStore
{
    /// <inheritdoc />
    public async Task<string> SaveAsync(string source, string requestId, DateTimeOffset receivedAt, BinaryData body, string contentType, CancellationToken cancellationToken = default)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{Uri.EscapeDataString(source)}/{receivedAt:yyyy/MM/dd}/{requestId}.json");
        await container.GetBlobClient(name)
            .UploadAsync(body, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken)
            .ConfigureAwait(false);
        return name;
    }
}
