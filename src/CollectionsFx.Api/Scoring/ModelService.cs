using System.Globalization;
using CollectionsFx.Api.Insights;
using CollectionsFx.Domain.Scoring;
using CollectionsFx.Scoring;
using CollectionsFx.Storage.Scoring;
using CollectionsFx.Workflows.Scoring;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Api.Scoring;

/// <summary>Retraining with the promotion rule, rollback and the list of models (the registry's application service).</summary>
public sealed class ModelService(InsightsService insights, BlobModelRegistry registry, TimeProvider time) : IModelTrainer
{
    /// <summary>Days of the most recent history held out as the test window when no split date is given.</summary>
    public const int DefaultTestDays = 90;

    /// <summary>The version name of a model trained at <paramref name="at"/> (versions are named by the second).</summary>
    public static string VersionAt(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

    /// <summary>
    /// Starts this month's retraining orchestration unless it exists (the local Durable sidecar does not refuse a second
    /// start of an id, ADR 004, so the status is asked first).
    /// </summary>
    public async Task<(string InstanceId, bool Started)> StartRetrainingAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var id = ModelRetraining.InstanceId(insights.Today());
        return (id, await DurableStarts.StartOnceAsync(client, nameof(ModelRetraining), id, new RetrainInput(VersionAt(time.GetUtcNow())), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Trains a candidate on the ledger as known today (split: <paramref name="splitDate"/> or 90 days ago), stores it, and
    /// promotes it if the promotion rule allows; otherwise it stays a candidate with the reason. The same two steps as the
    /// retraining orchestration, in one request.
    /// </summary>
    public async Task<(ModelCard Card, PromotionDecision Decision)> TrainAsync(DateOnly? splitDate, CancellationToken cancellationToken)
    {
        var (card, currentAuc) = await TrainAndStoreAsync(new RetrainInput(VersionAt(time.GetUtcNow()), splitDate), cancellationToken).ConfigureAwait(false);
        var decision = await DecideAsync(card, currentAuc, cancellationToken).ConfigureAwait(false);
        return ((await registry.LoadAsync(card.Version, cancellationToken).ConfigureAwait(false)).Card, decision);
    }

    /// <inheritdoc />
    public async Task<CandidateTrained> TrainCandidateAsync(RetrainInput input, CancellationToken cancellationToken)
    {
        try
        {
            var (card, currentAuc) = await TrainAndStoreAsync(input, cancellationToken).ConfigureAwait(false);
            return new CandidateTrained(card.Version, card.RocAuc, currentAuc);
        }
        catch (EvaluationDataException ex)
        {
            // Not a transient failure: retrying would fail the same way, so the outcome says why instead.
            return new CandidateTrained(null, 0, null, ex.Message);
        }
    }

    /// <inheritdoc />
    public async Task<RetrainOutcome> ApplyPromotionRuleAsync(CandidateTrained candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var version = candidate.Version ?? throw new ArgumentException("The candidate has no version.", nameof(candidate));
        var card = (await registry.LoadAsync(version, cancellationToken).ConfigureAwait(false)).Card;
        var decision = await DecideAsync(card, candidate.CurrentAucOnSameWindow, cancellationToken).ConfigureAwait(false);
        return new RetrainOutcome(version, decision.Promote, decision.Reason, card.RocAuc);
    }

    /// <summary>Makes <paramref name="version"/> (default: the previous model) current again.</summary>
    public Task<string> RollbackAsync(string? version, CancellationToken cancellationToken) =>
        registry.RollbackAsync(version, time.GetUtcNow(), Validate, cancellationToken);

    /// <summary>Every model's card and the registry's history.</summary>
    public async Task<(IReadOnlyList<ModelCard> Models, RegistryState State)> ListAsync(CancellationToken cancellationToken) =>
        (await registry.ListAsync(cancellationToken).ConfigureAwait(false), await registry.StateAsync(cancellationToken).ConfigureAwait(false));

    private async Task<(ModelCard Card, double? CurrentAuc)> TrainAndStoreAsync(RetrainInput input, CancellationToken cancellationToken)
    {
        var today = insights.Today();
        var book = await (await insights.CurrentAsync(cancellationToken).ConfigureAwait(false)).BookAsOfAsync(today).ConfigureAwait(false);
        var current = await registry.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var currentModel = current is { } c ? ModelValidator.Load(c.Model.ToArray()) : null;
        var candidate = ModelTraining.Train(book, input.SplitDate ?? today.AddDays(-DefaultTestDays), new ScoringOptions(), currentModel, input.Version, time.GetUtcNow());
        using var bytes = new MemoryStream();
        candidate.Model.Save(bytes);
        await registry.SaveAsync(candidate.Card, BinaryData.FromBytes(bytes.ToArray()), cancellationToken).ConfigureAwait(false);
        return (candidate.Card, candidate.CurrentAucOnSameWindow);
    }

    /// <summary>The promotion rule applied once per version: a retry finds the decision in the registry's history and keeps it.</summary>
    private async Task<PromotionDecision> DecideAsync(ModelCard card, double? currentAuc, CancellationToken cancellationToken)
    {
        var state = await registry.StateAsync(cancellationToken).ConfigureAwait(false);
        if (state.History.LastOrDefault(h => h.Version == card.Version && h.Action is "promoted" or "kept as candidate") is { } done)
        {
            return new PromotionDecision(done.Action == "promoted", done.Reason);
        }

        var decision = PromotionRule.Decide(card, currentAuc);
        var now = time.GetUtcNow();
        if (decision.Promote)
        {
            await registry.PromoteAsync(card.Version, decision.Reason, now, Validate, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await registry.KeepAsCandidateAsync(card.Version, decision.Reason, now, cancellationToken).ConfigureAwait(false);
        }

        return decision;
    }

    private static string? Validate(BinaryData model) => ModelValidator.Problem(model.ToArray());
}
