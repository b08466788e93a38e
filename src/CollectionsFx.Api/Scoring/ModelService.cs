using System.Globalization;
using CollectionsFx.Api.Insights;
using CollectionsFx.Domain.Scoring;
using CollectionsFx.Scoring;
using CollectionsFx.Storage.Scoring;

namespace CollectionsFx.Api.Scoring;

/// <summary>Retraining with the promotion rule, rollback and the list of models (the registry's application service).</summary>
public sealed class ModelService(InsightsService insights, BlobModelRegistry registry, TimeProvider time)
{
    /// <summary>Days of the most recent history held out as the test window when no split date is given.</summary>
    public const int DefaultTestDays = 90;

    /// <summary>
    /// Trains a candidate on the ledger as known today (split: <paramref name="splitDate"/> or 90 days ago), stores it, and
    /// promotes it if the promotion rule allows; otherwise it stays a candidate with the reason.
    /// </summary>
    public async Task<(ModelCard Card, PromotionDecision Decision)> TrainAsync(DateOnly? splitDate, CancellationToken cancellationToken)
    {
        var today = insights.Today();
        var book = await (await insights.CurrentAsync(cancellationToken).ConfigureAwait(false)).BookAsOfAsync(today).ConfigureAwait(false);
        var current = await registry.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var currentModel = current is { } c ? ModelValidator.Load(c.Model.ToArray()) : null;
        var now = time.GetUtcNow();
        var version = now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var candidate = ModelTraining.Train(book, splitDate ?? today.AddDays(-DefaultTestDays), new ScoringOptions(), currentModel, version, now);
        using var bytes = new MemoryStream();
        candidate.Model.Save(bytes);
        await registry.SaveAsync(candidate.Card, BinaryData.FromBytes(bytes.ToArray()), cancellationToken).ConfigureAwait(false);
        var decision = PromotionRule.Decide(candidate.Card, candidate.CurrentAucOnSameWindow);
        if (decision.Promote)
        {
            await registry.PromoteAsync(version, decision.Reason, now, Validate, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await registry.KeepAsCandidateAsync(version, decision.Reason, now, cancellationToken).ConfigureAwait(false);
        }

        return (candidate.Card, decision);
    }

    /// <summary>Makes <paramref name="version"/> (default: the previous model) current again.</summary>
    public Task<string> RollbackAsync(string? version, CancellationToken cancellationToken) =>
        registry.RollbackAsync(version, time.GetUtcNow(), Validate, cancellationToken);

    /// <summary>Every model's card and the registry's history.</summary>
    public async Task<(IReadOnlyList<ModelCard> Models, RegistryState State)> ListAsync(CancellationToken cancellationToken) =>
        (await registry.ListAsync(cancellationToken).ConfigureAwait(false), await registry.StateAsync(cancellationToken).ConfigureAwait(false));

    private static string? Validate(BinaryData model) => ModelValidator.Problem(model.ToArray());
}
