using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Storage.Blobs;

/// <summary>An input that was rejected, kept with its reason so it can be inspected, fixed and replayed.</summary>
public sealed record DeadLetter(
    string Id,
    string Source,
    DateTimeOffset ReceivedAt,
    string Reason,
    IReadOnlyList<FieldError> Errors,
    string? EventId,
    string? EventType,
    string Payload)
{
    /// <summary>A new dead-letter id: the day it was received, then a unique part (ids sort by day).</summary>
    public static string NewId(DateTimeOffset receivedAt) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{receivedAt:yyyyMMdd}-{Guid.NewGuid():N}");
}

/// <summary>One field of an input and what is wrong with it.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>Dead letters: rejected webhook items, CSV rows and pulled records.</summary>
public interface IDeadLetterStore
{
    /// <summary>Keeps a rejected input. Returns its id.</summary>
    Task<string> AddAsync(DeadLetter letter, CancellationToken cancellationToken = default);

    /// <summary>Pending dead letters, oldest first.</summary>
    IAsyncEnumerable<DeadLetter> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>One pending dead letter, or null.</summary>
    Task<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Moves a dead letter out of the pending list once it was replayed successfully (kept for audit).</summary>
    Task MarkReplayedAsync(string id, CancellationToken cancellationToken = default);
}

/// <summary>Dead letters as JSON blobs: <c>pending/{id}.json</c>, and <c>replayed/{id}.json</c> after a successful replay.</summary>
public sealed class BlobDeadLetterStore(BlobContainerClient container) : IDeadLetterStore
{
    private const string Pending = "pending/";
    private const string Replayed = "replayed/";

    /// <inheritdoc />
    public async Task<string> AddAsync(DeadLetter letter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letter);
        await container.GetBlobClient(Pending + letter.Id + ".json")
            .UploadAsync(BinaryData.FromObjectAsJson(letter, LedgerJson.Options), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken)
            .ConfigureAwait(false);
        return letter.Id;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<DeadLetter> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, Pending, cancellationToken).ConfigureAwait(false))
        {
            if (await ReadAsync(item.Name, cancellationToken).ConfigureAwait(false) is { } letter)
            {
                yield return letter;
            }
        }
    }

    /// <inheritdoc />
    public Task<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        IsSafeId(id) ? ReadAsync(Pending + id + ".json", cancellationToken) : Task.FromResult<DeadLetter?>(null);

    /// <inheritdoc />
    public async Task MarkReplayedAsync(string id, CancellationToken cancellationToken = default)
    {
        var source = container.GetBlobClient(Pending + id + ".json");
        var content = await source.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        await container.GetBlobClient(Replayed + id + ".json").UploadAsync(content.Value.Content, overwrite: true, cancellationToken).ConfigureAwait(false);
        await source.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static bool IsSafeId(string id) => id.Length is > 0 and <= 100 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private async Task<DeadLetter?> ReadAsync(string name, CancellationToken ct)
    {
        try
        {
            var content = await container.GetBlobClient(name).DownloadContentAsync(ct).ConfigureAwait(false);
            return content.Value.Content.ToObjectFromJson<DeadLetter>(LedgerJson.Options);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
