using CollectionsFx.Storage.Scoring;

namespace CollectionsFx.Api.Scoring;

/// <summary>
/// Every invoice's newest likelihood for the insights (risk-band filter, high-value-at-risk gap), read at most every
/// <see cref="MaxAge"/> and at once after a scoring run finished here (scores change nightly, not with every delta).
/// </summary>
public sealed class ScoreCache(ScoreStore scores, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim gate = new(1, 1);
    private (IReadOnlyDictionary<string, double> Likelihoods, DateTimeOffset ReadAt, long Version)? cached;
    private long version;

    /// <summary>The likelihoods and a version that changes whenever they were read anew with a different content.</summary>
    public async Task<(IReadOnlyDictionary<string, double> Likelihoods, long Version)> GetAsync(CancellationToken cancellationToken)
    {
        if (cached is { } c && time.GetUtcNow() - c.ReadAt < MaxAge)
        {
            return (c.Likelihoods, c.Version);
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (cached is { } again && time.GetUtcNow() - again.ReadAt < MaxAge)
            {
                return (again.Likelihoods, again.Version);
            }

            var read = await scores.AllLikelihoodsAsync(cancellationToken).ConfigureAwait(false);
            var same = cached is { } old && old.Likelihoods.Count == read.Count && read.All(kv => old.Likelihoods.TryGetValue(kv.Key, out var v) && v == kv.Value);
            cached = (read, time.GetUtcNow(), same ? cached!.Value.Version : ++version);
            return (read, cached.Value.Version);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the cached scores (a scoring run just wrote new ones).</summary>
    public void Invalidate() => cached = null;
}
