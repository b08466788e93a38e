using System.Globalization;
using Microsoft.DurableTask;

namespace CollectionsFx.Workflows.Scoring;

/// <summary>What a retraining trains: a model named <see cref="Version"/> (fixed by the starter), split at <see cref="SplitDate"/> (default: 90 days ago).</summary>
public sealed record RetrainInput(string Version, DateOnly? SplitDate = null);

/// <summary>A trained and stored candidate (null <see cref="Version"/>: the data could not train one, see <see cref="Reason"/>).</summary>
public sealed record CandidateTrained(string? Version, double RocAuc, double? CurrentAucOnSameWindow, string? Reason = null);

/// <summary>How the retraining ended: the candidate, whether it became current, and why.</summary>
public sealed record RetrainOutcome(string? Version, bool Promoted, string Reason, double RocAuc);

/// <summary>The work of a retraining, implemented by the application (both faces register it).</summary>
public interface IModelTrainer
{
    /// <summary>Trains and evaluates a candidate on the ledger as known today and stores it in the registry (idempotent per version).</summary>
    Task<CandidateTrained> TrainCandidateAsync(RetrainInput input, CancellationToken cancellationToken);

    /// <summary>Applies the promotion rule to a stored candidate (idempotent: a version already decided keeps its decision).</summary>
    Task<RetrainOutcome> ApplyPromotionRuleAsync(CandidateTrained candidate, CancellationToken cancellationToken);
}

/// <summary>
/// The monthly retraining (ADR 007): train and evaluate a candidate, then apply the promotion rule. Instance id
/// <c>retrain-{yyyy-MM}</c>, so the timer starts it once a month; a second start is a no-op.
/// </summary>
public sealed class ModelRetraining : TaskOrchestrator<RetrainInput, RetrainOutcome>
{
    /// <summary>The instance id of the retraining of the month of <paramref name="date"/>.</summary>
    public static string InstanceId(DateOnly date) => "retrain-" + date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Training reads the whole ledger: few, slow retries.</summary>
    public static readonly TaskOptions Retry = new(new TaskRetryOptions(new RetryPolicy(3, TimeSpan.FromSeconds(30), 2.0)));

    /// <inheritdoc />
    public override async Task<RetrainOutcome> RunAsync(TaskOrchestrationContext context, RetrainInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var candidate = await context.CallActivityAsync<CandidateTrained>(nameof(TrainCandidateModel), input, Retry);
        return candidate.Version is null
            ? new RetrainOutcome(null, false, candidate.Reason ?? "no candidate", 0)
            : await context.CallActivityAsync<RetrainOutcome>(nameof(ApplyPromotionRule), candidate, Retry);
    }
}

/// <summary>Trains, evaluates and stores a candidate.</summary>
public sealed class TrainCandidateModel(IModelTrainer trainer) : TaskActivity<RetrainInput, CandidateTrained>
{
    /// <inheritdoc />
    public override Task<CandidateTrained> RunAsync(TaskActivityContext context, RetrainInput input) => trainer.TrainCandidateAsync(input, CancellationToken.None);
}

/// <summary>Promotes the candidate or keeps it as a candidate, with the reason.</summary>
public sealed class ApplyPromotionRule(IModelTrainer trainer) : TaskActivity<CandidateTrained, RetrainOutcome>
{
    /// <inheritdoc />
    public override Task<RetrainOutcome> RunAsync(TaskActivityContext context, CandidateTrained input) => trainer.ApplyPromotionRuleAsync(input, CancellationToken.None);
}
