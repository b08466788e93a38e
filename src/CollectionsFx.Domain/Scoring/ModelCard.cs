namespace CollectionsFx.Domain.Scoring;

/// <summary>Where a model stands in the registry.</summary>
public enum ModelStatus
{
    /// <summary>Trained and evaluated, not serving.</summary>
    Candidate,

    /// <summary>The model scores are made with.</summary>
    Current,

    /// <summary>Served before, replaced by a newer or rolled-back model.</summary>
    Retired,
}

/// <summary>
/// A model's card: what it was trained on, how it did on its test window, which features it expects, and where it stands.
/// </summary>
public sealed record ModelCard(
    string Version,
    DateTimeOffset TrainedAt,
    string Learner,
    DateOnly DataFrom,
    DateOnly DataTo,
    DateOnly SplitDate,
    int TrainRows,
    int TestRows,
    int ToleranceDays,
    IReadOnlyList<string> Features,
    double RocAuc,
    double LogLoss,
    double Brier,
    double CalibrationError,
    ModelStatus Status = ModelStatus.Candidate,
    string? Reason = null);

/// <summary>The outcome of the promotion rule, with its reason in words.</summary>
public sealed record PromotionDecision(bool Promote, string Reason);

/// <summary>
/// Promotion (issue 4 §3): a new model becomes current only if, on the same test window, its ROC AUC is not worse than the
/// current model's by more than <see cref="AucTolerance"/> and its calibration error is within bounds: at most
/// <see cref="MaxCalibrationError"/>, or the noise floor of a 10-bin calibration error on the test rows (1.6 ÷ √rows: a
/// perfectly calibrated model measured on 300 rows shows about 0.09), whichever is larger.
/// </summary>
public static class PromotionRule
{
    public const double AucTolerance = 0.005;

    public const double MaxCalibrationError = 0.05;

    /// <summary>The largest calibration error a model tested on <paramref name="testRows"/> rows may show.</summary>
    public static double CalibrationBound(int testRows) => Math.Max(MaxCalibrationError, 1.6 / Math.Sqrt(Math.Max(1, testRows)));

    /// <summary>
    /// Decides for <paramref name="candidate"/>. <paramref name="currentAucOnSameWindow"/> is the current model's ROC AUC on the
    /// candidate's test window (null when there is no current model yet).
    /// </summary>
    public static PromotionDecision Decide(ModelCard candidate, double? currentAucOnSameWindow)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (double.IsNaN(candidate.RocAuc))
        {
            return new PromotionDecision(false, "kept as candidate: its ROC AUC is undefined (one class in the test window)");
        }

        var bound = CalibrationBound(candidate.TestRows);
        if (candidate.CalibrationError > bound)
        {
            return new PromotionDecision(false, $"kept as candidate: calibration error {candidate.CalibrationError:0.0000} is above {bound:0.000} (for {candidate.TestRows} test rows)");
        }

        if (currentAucOnSameWindow is { } current && candidate.RocAuc < current - AucTolerance)
        {
            return new PromotionDecision(false, $"kept as candidate: ROC AUC {candidate.RocAuc:0.0000} is worse than the current model's {current:0.0000} on the same window by more than {AucTolerance}");
        }

        return new PromotionDecision(true, currentAucOnSameWindow is { } c
            ? $"promoted: ROC AUC {candidate.RocAuc:0.0000} vs current {c:0.0000} on the same window, calibration error {candidate.CalibrationError:0.0000}"
            : $"promoted: first model, ROC AUC {candidate.RocAuc:0.0000}, calibration error {candidate.CalibrationError:0.0000}");
    }
}
