using CollectionsFx.Api.Insights;
using CollectionsFx.Storage.Scoring;
using CollectionsFx.Workflows.Scoring;

namespace CollectionsFx.Api.Scoring;

/// <summary>
/// Scores customers whose ledger just changed (ADR 007), with the current model, as of today: the rescore queue's handler,
/// called by the Functions queue trigger in Azure and by the local host's worker. Idempotent: rows are upserted.
/// </summary>
public sealed class OnDemandScoring(ScoringService scoring, InsightsService insights, BlobModelRegistry registry, ScoreCache cache)
{
    /// <summary>The run id on-demand scores carry (one per day, beside the nightly <c>scoring-{date}</c>).</summary>
    public static string RunId(DateOnly date) => "on-demand-" + date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Scores the open invoices of <paramref name="customers"/> in the current snapshot (the caller, <see cref="Dunning.LedgerChanges"/>,
    /// refreshes it first); returns how many (0 without a current model).
    /// </summary>
    public async Task<int> ScoreAsync(IReadOnlyCollection<string> customers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var state = await registry.StateAsync(cancellationToken).ConfigureAwait(false);
        if (state.Current is null || customers.Count == 0)
        {
            return 0;
        }

        var today = insights.Today();
        var result = await scoring.ScoreAsync(new ScoringBatch(RunId(today), today, state.Current, [.. customers]), cancellationToken).ConfigureAwait(false);
        cache.Invalidate();
        return result.Invoices;
    }
}
