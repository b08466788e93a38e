using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Scoring;

namespace CollectionsFx.Storage.Scoring;

/// <summary>One change of the registry: which version became current (or was refused), when and why.</summary>
public sealed record RegistryChange(DateTimeOffset At, string Version, string Action, string Reason);

/// <summary>The registry's pointer: the current version and every change so far.</summary>
public sealed record RegistryState(string? Current, IReadOnlyList<RegistryChange> History);

/// <summary>A model that may not serve: corrupt, or built for other features.</summary>
public sealed class ModelRefusedException(string version, string reason) : InvalidOperationException($"Model {version} refused: {reason}. The current model keeps serving.")
{
    public string Version { get; } = version;
}

/// <summary>
/// Versioned likelihood-to-pay models in Blobs: <c>models/{version}/model.zip</c> and <c>card.json</c>, and <c>registry.json</c>
/// naming the current version with the history of promotions, refusals and rollbacks. The pointer is replaced with an
/// ETag condition, so two concurrent promotions cannot both win.
/// </summary>
public sealed class BlobModelRegistry(BlobContainerClient container)
{
    private const string Pointer = "registry.json";
    private static readonly JsonSerializerOptions Json = LedgerJson.Options;

    /// <summary>Stores a newly trained model as a candidate.</summary>
    public async Task SaveAsync(ModelCard card, BinaryData model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(card);
        await container.GetBlobClient($"models/{card.Version}/model.zip").UploadAsync(model, overwrite: false, cancellationToken).ConfigureAwait(false);
        await WriteCardAsync(card with { Status = ModelStatus.Candidate }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every model's card, newest first.</summary>
    public async Task<IReadOnlyList<ModelCard>> ListAsync(CancellationToken cancellationToken = default)
    {
        var cards = new List<ModelCard>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = "models/" }, cancellationToken).ConfigureAwait(false))
        {
            if (blob.Name.EndsWith("/card.json", StringComparison.Ordinal))
            {
                cards.Add((await container.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToObjectFromJson<ModelCard>(Json)!);
            }
        }

        return [.. cards.OrderByDescending(c => c.TrainedAt)];
    }

    /// <summary>The registry's pointer (no current model and no history before the first promotion).</summary>
    public async Task<RegistryState> StateAsync(CancellationToken cancellationToken = default) => (await ReadStateAsync(cancellationToken).ConfigureAwait(false)).State;

    /// <summary>The current model and its card, or null before the first promotion.</summary>
    public async Task<(ModelCard Card, BinaryData Model)?> CurrentAsync(CancellationToken cancellationToken = default)
    {
        var state = await StateAsync(cancellationToken).ConfigureAwait(false);
        return state.Current is { } version ? await LoadAsync(version, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>One version's card and model.</summary>
    public async Task<(ModelCard Card, BinaryData Model)> LoadAsync(string version, CancellationToken cancellationToken = default)
    {
        var card = (await container.GetBlobClient($"models/{version}/card.json").DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToObjectFromJson<ModelCard>(Json)!;
        var model = (await container.GetBlobClient($"models/{version}/model.zip").DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        return (card, model);
    }

    /// <summary>
    /// Makes <paramref name="version"/> current if <paramref name="validate"/> accepts its file (null = fine, else the reason);
    /// the previous current model is retired. A refused model stays a candidate, the refusal is in the history, and
    /// <see cref="ModelRefusedException"/> is thrown.
    /// </summary>
    public async Task PromoteAsync(string version, string reason, DateTimeOffset at, Func<BinaryData, string?> validate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(validate);
        var (card, model) = await LoadAsync(version, cancellationToken).ConfigureAwait(false);
        if (validate(model) is { } problem)
        {
            await ChangeAsync(s => s with { History = [.. s.History, new RegistryChange(at, version, "refused", problem)] }, cancellationToken).ConfigureAwait(false);
            await WriteCardAsync(card with { Status = ModelStatus.Candidate, Reason = problem }, cancellationToken).ConfigureAwait(false);
            throw new ModelRefusedException(version, problem);
        }

        var previous = await ChangeAsync(s => new RegistryState(version, [.. s.History, new RegistryChange(at, version, "promoted", reason)]), cancellationToken).ConfigureAwait(false);
        if (previous.Current is { } old && old != version)
        {
            var (oldCard, _) = await LoadAsync(old, cancellationToken).ConfigureAwait(false);
            await WriteCardAsync(oldCard with { Status = ModelStatus.Retired }, cancellationToken).ConfigureAwait(false);
        }

        await WriteCardAsync(card with { Status = ModelStatus.Current, Reason = reason }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records that a candidate was not promoted, and why.</summary>
    public async Task KeepAsCandidateAsync(string version, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var (card, _) = await LoadAsync(version, cancellationToken).ConfigureAwait(false);
        await ChangeAsync(s => s with { History = [.. s.History, new RegistryChange(at, version, "kept as candidate", reason)] }, cancellationToken).ConfigureAwait(false);
        await WriteCardAsync(card with { Reason = reason }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes <paramref name="version"/> (default: the model that was current before the current one) current again, if its file
    /// still validates. Returns the version now current.
    /// </summary>
    public async Task<string> RollbackAsync(string? version, DateTimeOffset at, Func<BinaryData, string?> validate, CancellationToken cancellationToken = default)
    {
        var state = await StateAsync(cancellationToken).ConfigureAwait(false);
        var target = version ?? state.History.Where(h => h.Action is "promoted" or "rolled back to" && h.Version != state.Current).Select(h => h.Version).LastOrDefault()
            ?? throw new InvalidOperationException("No earlier model to roll back to.");
        await PromoteAsync(target, $"rolled back from {state.Current ?? "none"}", at, validate, cancellationToken).ConfigureAwait(false);
        return target;
    }

    private async Task WriteCardAsync(ModelCard card, CancellationToken ct) =>
        await container.GetBlobClient($"models/{card.Version}/card.json").UploadAsync(BinaryData.FromObjectAsJson(card, Json), overwrite: true, ct).ConfigureAwait(false);

    private async Task<(RegistryState State, ETag? ETag)> ReadStateAsync(CancellationToken ct)
    {
        try
        {
            var content = await container.GetBlobClient(Pointer).DownloadContentAsync(ct).ConfigureAwait(false);
            return (content.Value.Content.ToObjectFromJson<RegistryState>(Json)!, content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return (new RegistryState(null, []), null);
        }
    }

    /// <summary>Applies <paramref name="change"/> to the pointer with an ETag condition, retrying when another writer won; returns the state before.</summary>
    private async Task<RegistryState> ChangeAsync(Func<RegistryState, RegistryState> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (state, etag) = await ReadStateAsync(ct).ConfigureAwait(false);
            var conditions = etag is { } e ? new BlobRequestConditions { IfMatch = e } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                await container.GetBlobClient(Pointer).UploadAsync(BinaryData.FromObjectAsJson(change(state), Json), new BlobUploadOptions { Conditions = conditions }, ct).ConfigureAwait(false);
                return state;
            }
            catch (RequestFailedException ex) when ((ex.Status is 412 or 409) && attempt < 10)
            {
                // Someone else changed the registry in between: read again and re-apply.
            }
        }
    }
}
