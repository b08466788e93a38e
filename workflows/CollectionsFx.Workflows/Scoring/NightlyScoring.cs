using CollectionsFx.Domain.Scoring;
using Microsoft.DurableTask;

namespace CollectionsFx.Workflows.Scoring;

/// <summary>What a scoring run scores: open invoices as of <see cref="AsOf"/> (a business date).</summary>
public sealed record ScoringRunInput(string RunId, DateOnly AsOf);

/// <summary>The run's plan: the model pinned for the whole run and the customers in batches (empty when there is no model).</summary>
public sealed record ScoringPlan(string? ModelVersion, IReadOnlyList<IReadOnlyList<string>> Batches, string? Reason = null);

/// <summary>One batch to score with the pinned model.</summary>
public sealed record ScoringBatch(string RunId, DateOnly AsOf, string ModelVersion, IReadOnlyList<string> Customers);

/// <summary>What one batch did: customers and invoices scored, and how their likelihoods spread.</summary>
public sealed record ScoringBatchResult(int Customers, int Invoices, ScoreDistribution Distribution);

/// <summary>
/// The whole run, written by the last activity: counts, duration, model version, the score distribution and its shift
/// against the previous run (null for the first run).
/// </summary>
public sealed record ScoringRunSummary(
    string RunId, DateOnly AsOf, string? ModelVersion, int Batches, int Customers, int Invoices, double MeanLikelihood, string? Reason,
    double Seconds = 0, ScoreDistribution? Distribution = null, ScoreShift? Shift = null);

/// <summary>The work of a scoring run, implemented by the application (both faces register it).</summary>
public interface IScoringRunner
{
    Task<ScoringPlan> PlanAsync(ScoringRunInput input, CancellationToken cancellationToken);

    Task<ScoringBatchResult> ScoreAsync(ScoringBatch batch, CancellationToken cancellationToken);

    Task<ScoringRunSummary> CompleteAsync(ScoringCompletion completion, CancellationToken cancellationToken);
}

/// <summary>
/// The scoring run (ADR 007): plan (model pinned), fan out one activity per batch of customers, fan in a summary. Instance
/// id <c>scoring-{yyyy-MM-dd}</c>; activities upsert, so a retried batch writes the same rows.
/// </summary>
public sealed class NightlyScoring : TaskOrchestrator<ScoringRunInput, ScoringRunSummary>
{
    /// <summary>The instance id of the run for a date.</summary>
    public static string InstanceId(DateOnly asOf) => "scoring-" + asOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override async Task<ScoringRunSummary> RunAsync(TaskOrchestrationContext context, ScoringRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var started = context.CurrentUtcDateTime;
        var retry = new TaskOptions(new TaskRetryOptions(new RetryPolicy(3, TimeSpan.FromSeconds(5), 2.0)));
        var plan = await context.CallActivityAsync<ScoringPlan>(nameof(PlanScoringRun), input, retry);
        var results = plan.ModelVersion is null
            ? []
            : await Task.WhenAll(plan.Batches.Select(b => context.CallActivityAsync<ScoringBatchResult>(nameof(ScoreCustomerBatch), new ScoringBatch(input.RunId, input.AsOf, plan.ModelVersion, b), retry)));
        return await context.CallActivityAsync<ScoringRunSummary>(nameof(CompleteScoringRun), new ScoringCompletion(input, plan, results, started), retry);
    }
}

/// <summary>Input of the last activity (<see cref="StartedUtc"/>: the orchestration's time when the run began).</summary>
public sealed record ScoringCompletion(ScoringRunInput Input, ScoringPlan Plan, IReadOnlyList<ScoringBatchResult> Results, DateTime StartedUtc);

/// <summary>Plans a run.</summary>
public sealed class PlanScoringRun(IScoringRunner runner) : TaskActivity<ScoringRunInput, ScoringPlan>
{
    /// <inheritdoc />
    public override Task<ScoringPlan> RunAsync(TaskActivityContext context, ScoringRunInput input) => runner.PlanAsync(input, CancellationToken.None);
}

/// <summary>Scores one batch of customers.</summary>
public sealed class ScoreCustomerBatch(IScoringRunner runner) : TaskActivity<ScoringBatch, ScoringBatchResult>
{
    /// <inheritdoc />
    public override Task<ScoringBatchResult> RunAsync(TaskActivityContext context, ScoringBatch input) => runner.ScoreAsync(input, CancellationToken.None);
}

/// <summary>Writes the run's summary.</summary>
public sealed class CompleteScoringRun(IScoringRunner runner) : TaskActivity<ScoringCompletion, ScoringRunSummary>
{
    /// <inheritdoc />
    public override Task<ScoringRunSummary> RunAsync(TaskActivityContext context, ScoringCompletion input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return runner.CompleteAsync(input, CancellationToken.None);
    }
}
