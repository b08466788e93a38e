using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Experiments;

namespace CollectionsFx.Storage.Experiments;

/// <summary>
/// Experiments as JSON blobs in the insights container: <c>experiments/{id}.json</c> (the entry, changed under its ETag so two
/// managers cannot overwrite each other) and <c>experiments/{id}/assignments.json</c> (customer → arm, written at the start
/// and when a late customer joins; an assignment is never changed).
/// </summary>
public sealed class ExperimentStore(BlobContainerClient container)
{
    private const string Folder = "experiments/";

    /// <summary>Stores a new experiment; false when one with its id exists.</summary>
    public async Task<bool> CreateAsync(ExperimentEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            await container.GetBlobClient(EntryName(entry.Design.Id)).UploadAsync(
                BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(entry, ApiJsonOptions.Value)),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>The experiment and its ETag, or null.</summary>
    public async Task<(ExperimentEntry Entry, ETag ETag)?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await container.GetBlobClient(EntryName(id)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return (content.Value.Content.ToObjectFromJson<ExperimentEntry>(ApiJsonOptions.Value)!, content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Every experiment, by id.</summary>
    public async Task<IReadOnlyList<ExperimentEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<ExperimentEntry>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, Folder, cancellationToken).ConfigureAwait(false))
        {
            if (blob.Name.Count(c => c == '/') == 1 && blob.Name.EndsWith(".json", StringComparison.Ordinal)
                && await GetAsync(blob.Name[Folder.Length..^".json".Length], cancellationToken).ConfigureAwait(false) is { } found)
            {
                entries.Add(found.Entry);
            }
        }

        return [.. entries.OrderBy(e => e.Design.Id, StringComparer.Ordinal)];
    }

    /// <summary>Replaces the experiment if it is still at <paramref name="etag"/>; false when someone changed it meanwhile.</summary>
    public async Task<bool> SaveAsync(ExperimentEntry entry, ETag etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            await container.GetBlobClient(EntryName(entry.Design.Id)).UploadAsync(
                BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(entry, ApiJsonOptions.Value)),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    /// <summary>Adds assignments; customers already assigned keep their arm (an assignment is for the experiment's life).</summary>
    public async Task<IReadOnlyDictionary<string, string>> AssignAsync(string id, IReadOnlyDictionary<string, string> assignments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var blob = container.GetBlobClient(AssignmentsName(id));
        while (true)
        {
            var (current, etag) = await ReadAssignmentsAsync(id, cancellationToken).ConfigureAwait(false);
            var merged = new Dictionary<string, string>(current, StringComparer.Ordinal);
            foreach (var (customer, arm) in assignments)
            {
                merged.TryAdd(customer, arm);
            }

            try
            {
                await blob.UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(merged, ApiJsonOptions.Value)),
                    new BlobUploadOptions { Conditions = etag is { } e ? new BlobRequestConditions { IfMatch = e } : new BlobRequestConditions { IfNoneMatch = ETag.All } },
                    cancellationToken).ConfigureAwait(false);
                return merged;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone assigned meanwhile: read again and merge.
            }
        }
    }

    /// <summary>Customer → arm of an experiment (empty before its start).</summary>
    public async Task<IReadOnlyDictionary<string, string>> AssignmentsAsync(string id, CancellationToken cancellationToken = default) =>
        (await ReadAssignmentsAsync(id, cancellationToken).ConfigureAwait(false)).Assignments;

    private async Task<(Dictionary<string, string> Assignments, ETag? ETag)> ReadAssignmentsAsync(string id, CancellationToken ct)
    {
        try
        {
            var content = await container.GetBlobClient(AssignmentsName(id)).DownloadContentAsync(ct).ConfigureAwait(false);
            return (new Dictionary<string, string>(content.Value.Content.ToObjectFromJson<Dictionary<string, string>>(ApiJsonOptions.Value)!, StringComparer.Ordinal), content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return (new Dictionary<string, string>(StringComparer.Ordinal), null);
        }
    }

    private static string EntryName(string id) => Folder + id + ".json";

    private static string AssignmentsName(string id) => Folder + id + "/assignments.json";
}
