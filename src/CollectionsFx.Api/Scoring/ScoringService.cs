using System.Collections.Concurrent;
using CollectionsFx.Api.Insights;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Scoring;
using CollectionsFx.Scoring;
using CollectionsFx.Storage.Scoring;
using CollectionsFx.Workflows.Scoring;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Api.Scoring;

/// <summary>
/// The work of a scoring run (ADR 007) over the insights snapshot: plan with the current model, score batches of customers,
/// sum up. Loaded models are kept by version, so a run scores every batch with the model it pinned.
/// </summary>
public sealed partial class ScoringService(
    InsightsService insights, BlobModelRegistry registry, ScoreStore scores, ScoringRunStore runs, ScoreCache cache, TimeProvider time, ILogger<ScoringService> logger) : IScoringRunner
{
    /// <summary>What a completed run logs (the alert on a missing nightly run, infra/modules/alerts.bicep, looks for it).</summary>
    public const string CompletedLogTemplate = "Scoring run {RunId} as of {AsOf} completed: {Customers} customers, {Invoices} invoices, model {Model}";

    /// <summary>Customers per batch activity.</summary>
    public const int BatchSize = 500;

    private readonly ConcurrentDictionary<string, Lazy<Task<LikelihoodModel>>> models = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<ScoringPlan> PlanAsync(ScoringRunInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var state = await registry.StateAsync(cancellationToken).ConfigureAwait(false);
        if (state.Current is null)
        {
            return new ScoringPlan(null, [], "no current model: train and promote one first");
        }

        var book = await (await insights.CurrentAsync(cancellationToken).ConfigureAwait(false)).BookAsOfAsync(input.AsOf).ConfigureAwait(false);
        var customers = book.Accounts.Where(a => a.Invoices.Any(i => i.IsOnBook(input.AsOf) && i.OpenOn(input.AsOf) > 0)).Select(a => a.CustomerId).ToList();
        return new ScoringPlan(state.Current, [.. customers.Chunk(BatchSize).Select(c => (IReadOnlyList<string>)c)]);
    }

    /// <inheritdoc />
    public async Task<ScoringBatchResult> ScoreAsync(ScoringBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var model = await ModelAsync(batch.ModelVersion, cancellationToken).ConfigureAwait(false);
        var book = await (await insights.CurrentAsync(cancellationToken).ConfigureAwait(false)).BookAsOfAsync(batch.AsOf).ConfigureAwait(false);
        var wanted = batch.Customers.ToHashSet(StringComparer.Ordinal);
        var features = FeatureBuilder.ForOpenInvoices(book, batch.AsOf, new ScoringOptions(), a => wanted.Contains(a.CustomerId));
        var scored = model.PredictWithContributions([.. features.Select(f => ModelInput.From(f))]);
        var reasons = Explanations.Texts([.. scored.Select(s => s.Contributions)], features);
        var invoices = book.Accounts.Where(a => wanted.Contains(a.CustomerId)).SelectMany(a => a.Invoices).ToDictionary(i => i.Id, StringComparer.Ordinal);
        var rows = features.Select((f, i) => new InvoiceScore(
            f.CustomerId, f.InvoiceId, scored[i].Probability, FeatureBuilder.RiskBand(scored[i].Probability), batch.ModelVersion, batch.RunId, batch.AsOf,
            invoices[f.InvoiceId].OpenReportingOn(batch.AsOf), reasons[i],
            CustomerRiskCalculator.ExpectedPayDate(f, invoices[f.InvoiceId].DueDate))).ToList();
        var rollups = rows.GroupBy(r => r.CustomerId).Select(g =>
        {
            var risk = CustomerRiskCalculator.Of(g.Key, [.. g.Select(r => new ScoredInvoice(r.InvoiceId, invoices[r.InvoiceId].DueDate, r.OpenAmount, r.Likelihood))], batch.AsOf);
            return new CustomerScore(g.Key, risk.Likelihood, risk.RiskBand, risk.ValueAtStake, risk.OverdueAmount, batch.ModelVersion, batch.RunId, batch.AsOf);
        });
        await scores.UpsertAsync(rows, rollups, cancellationToken).ConfigureAwait(false);
        return new ScoringBatchResult(wanted.Count, rows.Count, ScoreDistribution.Of(rows.Select(r => r.Likelihood)));
    }

    /// <inheritdoc />
    public async Task<ScoringRunSummary> CompleteAsync(ScoringCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var (input, plan, results) = (completion.Input, completion.Plan, completion.Results);
        var distribution = ScoreDistribution.Sum(results.Select(r => r.Distribution));
        var previous = await runs.PreviousAsync<ScoringRunSummary>(input.RunId, cancellationToken).ConfigureAwait(false);
        var shift = previous?.Distribution is { Count: > 0 } before && distribution.Count > 0 ? ScoreShift.Between(previous.RunId, before, distribution) : null;
        var summary = new ScoringRunSummary(
            input.RunId, input.AsOf, plan.ModelVersion, results.Count, results.Sum(r => r.Customers), distribution.Count, distribution.Mean, plan.Reason,
            Math.Round((time.GetUtcNow().UtcDateTime - completion.StartedUtc).TotalSeconds, 1), distribution, shift);
        if (plan.ModelVersion is not null)
        {
            await runs.SaveAsync(input.RunId, summary, cancellationToken).ConfigureAwait(false);
        }

        cache.Invalidate();
        LogCompleted(logger, input.RunId, input.AsOf, summary.Customers, summary.Invoices, plan.ModelVersion ?? "none");
        return summary;
    }

    [LoggerMessage(1, LogLevel.Information, CompletedLogTemplate)]
    private static partial void LogCompleted(ILogger logger, string runId, DateOnly asOf, int customers, int invoices, string model);

    /// <summary>A customer's roll-up and the scores of its invoices.</summary>
    public async Task<(CustomerScore? Customer, IReadOnlyList<InvoiceScore> Invoices)> ScoresAsync(string customerId, CancellationToken cancellationToken) =>
        (await scores.CustomerAsync(customerId, cancellationToken).ConfigureAwait(false), await scores.ForCustomerAsync(customerId, cancellationToken).ConfigureAwait(false));

    private Task<LikelihoodModel> ModelAsync(string version, CancellationToken ct) =>
        models.GetOrAdd(version, v => new Lazy<Task<LikelihoodModel>>(async () =>
        {
            var (_, model) = await registry.LoadAsync(v, ct).ConfigureAwait(false);
            return ModelValidator.Load(model.ToArray());
        })).Value;
}
