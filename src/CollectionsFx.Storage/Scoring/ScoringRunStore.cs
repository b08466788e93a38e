using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CollectionsFx.Storage.Scoring;

/// <summary>
/// Summaries of scoring runs as JSON blobs <c>runs/{runId}.json</c> beside the model registry. Run ids sort by date
/// (<c>scoring-yyyy-MM-dd</c>), so the previous run is the greatest name before this one.
/// </summary>
public sealed class ScoringRunStore(BlobContainerClient container)
{
    private const string Prefix = "runs/";

    /// <summary>Writes (or rewrites, on a retried activity) the summary of <paramref name="runId"/>.</summary>
    public async Task SaveAsync<T>(string runId, T summary, CancellationToken cancellationToken = default)
    {
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await container.GetBlobClient(Prefix + runId + ".json").UploadAsync(BinaryData.FromObjectAsJson(summary), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The summary of the newest run before <paramref name="runId"/>, or null.</summary>
    public async Task<T?> PreviousAsync<T>(string runId, CancellationToken cancellationToken = default)
        where T : class
    {
        string? previous = null;
        try
        {
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix }, cancellationToken).ConfigureAwait(false))
            {
                if (string.CompareOrdinal(blob.Name, Prefix + runId + ".json") < 0 && (previous is null || string.CompareOrdinal(blob.Name, previous) > 0))
                {
                    previous = blob.Name;
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }

        return previous is null ? null : (await container.GetBlobClient(previous).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToObjectFromJson<T>();
    }
}
