using System.Globalization;
using System.Text;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Scoring;

namespace CollectionsFx.Scoring;

/// <summary>What a time-split evaluation found, for the model and its baselines.</summary>
public sealed record EvaluationReport(
    DateOnly SplitDate, int TrainRows, int TestRows, int Unsettled, double ToleranceDays,
    ClassifierMetrics Model, ClassifierMetrics BaselinePriorLateShare, ClassifierMetrics BaselineLogisticRegression);

/// <summary>A data set that cannot train or evaluate a model, with the reason in words.</summary>
public sealed class EvaluationDataException(string message) : InvalidOperationException(message);

/// <summary>Time-based evaluation: train on invoices issued before the split date, test on those issued on or after it.</summary>
public static class ModelEvaluation
{
    /// <summary>Fewest rows either side of the split may have.</summary>
    public const int MinRows = 50;

    /// <summary>Evaluates FastTree beside two baselines (the customer's prior on-time share, a logistic regression).</summary>
    public static EvaluationReport Evaluate(ArBook book, DateOnly splitDate, ScoringOptions options)
    {
        var (train, test, unsettled) = TimeSplit.Of(book, splitDate, options);
        var testInputs = test.Select(r => ModelInput.From(r.Features, r.OnTime)).ToList();
        var labels = test.Select(r => r.OnTime).ToList();
        var trainInputs = train.Select(r => ModelInput.From(r.Features, r.OnTime)).ToList();
        var model = LikelihoodModel.Train(trainInputs, Learner.FastTree).Predict(testInputs);
        var logistic = LikelihoodModel.Train(trainInputs, Learner.LogisticRegression).Predict(testInputs);
        var prior = test.Select(r => (double)(1 - r.Features.PriorLateShare)).ToList();
        return new EvaluationReport(
            splitDate, train.Count, test.Count, unsettled, options.ToleranceDays,
            Metrics.Compute(model, labels), Metrics.Compute(prior, labels), Metrics.Compute(logistic, labels));
    }

    /// <summary>The report as a readable table.</summary>
    public static string Table(EvaluationReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Split {r.SplitDate:yyyy-MM-dd}: train {r.TrainRows:N0} rows, test {r.TestRows:N0} rows, {r.Unsettled:N0} invoices without a settled date skipped; on time = cleared by due date + {r.ToleranceDays} days.");
        text.AppendLine("model                        ROC AUC   PR AUC  log loss    Brier   cal.err");
        foreach (var (name, m) in new[] { ("FastTree (calibrated)", r.Model), ("baseline: prior late share", r.BaselinePriorLateShare), ("baseline: logistic regr.", r.BaselineLogisticRegression) })
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{name,-27} {m.RocAuc,8:0.0000} {m.PrAuc,8:0.0000} {m.LogLoss,9:0.0000} {m.Brier,8:0.0000} {m.CalibrationError,9:0.0000}");
        }

        text.AppendLine("calibration of the model by decile (mean predicted → observed on-time rate):");
        foreach (var b in r.Model.Calibration)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {b.Decile,2}: {b.MeanPredicted:0.000} → {b.Observed:0.000}  ({b.Count:N0} rows)");
        }

        return text.ToString();
    }

}

/// <summary>Training rows split by issue date, both sides checked to be trainable.</summary>
public sealed record TimeSplit(IReadOnlyList<(InvoiceFeatures Features, bool OnTime)> Train, IReadOnlyList<(InvoiceFeatures Features, bool OnTime)> Test, int Unsettled)
{
    /// <summary>Rows of invoices issued before <paramref name="splitDate"/> train, the rest test; throws <see cref="EvaluationDataException"/> when a side cannot serve.</summary>
    public static TimeSplit Of(ArBook book, DateOnly splitDate, ScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(options);
        var (rows, unsettled) = FeatureBuilder.TrainingRows(book, options);
        var train = rows.Where(r => r.Features.AsOf < splitDate).ToList();
        var test = rows.Where(r => r.Features.AsOf >= splitDate).ToList();
        EnsureTrainable(train, "training", $"issued before {splitDate:yyyy-MM-dd}", unsettled);
        EnsureTrainable(test, "test", $"issued on or after {splitDate:yyyy-MM-dd}", unsettled);
        return new TimeSplit(train, test, unsettled);
    }

    /// <summary>Throws, saying why, unless <paramref name="rows"/> are at least <see cref="ModelEvaluation.MinRows"/> of both classes.</summary>
    public static void EnsureTrainable(IReadOnlyList<(InvoiceFeatures Features, bool OnTime)> rows, string side, string which, int unsettled)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count < ModelEvaluation.MinRows)
        {
            throw new EvaluationDataException($"Too few {side} rows: {rows.Count} settled invoices {which} (at least {ModelEvaluation.MinRows} needed; {unsettled} invoices had no settled date and were skipped).");
        }

        if (rows.All(r => r.OnTime) || rows.All(r => !r.OnTime))
        {
            throw new EvaluationDataException($"The {side} rows ({which}) have only one class: every invoice was {(rows[0].OnTime ? "on time" : "late")}, so nothing can be learned or measured.");
        }
    }
}

/// <summary>A trained candidate with its card and, when there is a current model, that model's AUC on the same test window.</summary>
public sealed record TrainedCandidate(LikelihoodModel Model, ModelCard Card, double? CurrentAucOnSameWindow);

/// <summary>Training a candidate for the registry: FastTree on invoices issued before the split, evaluated on the rest.</summary>
public static class ModelTraining
{
    /// <summary>
    /// Trains on rows issued before <paramref name="splitDate"/> and tests on the rest; the current model (if any) is tested on
    /// the same rows so the promotion rule compares like with like.
    /// </summary>
    public static TrainedCandidate Train(ArBook book, DateOnly splitDate, ScoringOptions options, LikelihoodModel? current, string version, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (train, test, _) = TimeSplit.Of(book, splitDate, options);
        var model = LikelihoodModel.Train(train.Select(r => ModelInput.From(r.Features, r.OnTime)), Learner.FastTree);
        var testInputs = test.Select(r => ModelInput.From(r.Features, r.OnTime)).ToList();
        var labels = test.Select(r => r.OnTime).ToList();
        var metrics = Metrics.Compute(model.Predict(testInputs), labels);
        double? currentAuc = current is null ? null : Metrics.Compute(current.Predict(testInputs), labels).RocAuc;
        var card = new ModelCard(
            version, now, "FastTree", train.Min(r => r.Features.AsOf), test.Max(r => r.Features.AsOf), splitDate, train.Count, test.Count, options.ToleranceDays,
            ModelInput.Numeric.Concat([nameof(ModelInput.Country), nameof(ModelInput.Segment)]).ToList(), metrics.RocAuc, metrics.LogLoss, metrics.Brier, metrics.CalibrationError);
        return new TrainedCandidate(model, card, currentAuc);
    }
}
