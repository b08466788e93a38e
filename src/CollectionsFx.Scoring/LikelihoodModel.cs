using CollectionsFx.Domain.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Calibrators;

namespace CollectionsFx.Scoring;

/// <summary>One row as ML.NET sees it: the numeric features, two categories, and the label (paid on time).</summary>
public sealed class ModelInput
{
    public float PriorLateShare { get; set; }

    public float PriorMeanDaysLate { get; set; }

    public float PriorSettled { get; set; }

    public float ColdStart { get; set; }

    public float PriorDisputes { get; set; }

    public float PriorBrokenPromises { get; set; }

    public float AmountVsMean { get; set; }

    public float LogAmount { get; set; }

    public float TermsDays { get; set; }

    public float DaysToDue { get; set; }

    public float OpenShare { get; set; }

    public float LogOpenBalance { get; set; }

    public float BalanceTrend { get; set; }

    public float Paperless { get; set; }

    public string Country { get; set; } = string.Empty;

    public string Segment { get; set; } = string.Empty;

    public bool Label { get; set; }

    /// <summary>The numeric columns, in the order the model concatenates them.</summary>
    public static readonly string[] Numeric =
    [
        nameof(PriorLateShare), nameof(PriorMeanDaysLate), nameof(PriorSettled), nameof(ColdStart), nameof(PriorDisputes), nameof(PriorBrokenPromises),
        nameof(AmountVsMean), nameof(LogAmount), nameof(TermsDays), nameof(DaysToDue), nameof(OpenShare), nameof(LogOpenBalance), nameof(BalanceTrend), nameof(Paperless),
    ];

    public static ModelInput From(InvoiceFeatures f, bool label = false) => new()
    {
        PriorLateShare = f.PriorLateShare, PriorMeanDaysLate = f.PriorMeanDaysLate, PriorSettled = f.PriorSettled, ColdStart = f.ColdStart,
        PriorDisputes = f.PriorDisputes, PriorBrokenPromises = f.PriorBrokenPromises, AmountVsMean = f.AmountVsMean, LogAmount = f.LogAmount,
        TermsDays = f.TermsDays, DaysToDue = f.DaysToDue, OpenShare = f.OpenShare, LogOpenBalance = f.LogOpenBalance, BalanceTrend = f.BalanceTrend,
        Paperless = f.Paperless, Country = f.Country, Segment = f.Segment, Label = label,
    };
}

/// <summary>The model's output row.</summary>
public sealed class ModelOutput
{
    public bool Label { get; set; }

    /// <summary>Calibrated probability of "paid on time".</summary>
    public float Probability { get; set; }
}

/// <summary>Which learner: the gradient-boosted trees of the product, or the logistic-regression baseline.</summary>
public enum Learner
{
    FastTree,
    LogisticRegression,
}

/// <summary>Trains and applies likelihood-to-pay models (ML.NET, seeded so a run can be repeated).</summary>
public sealed class LikelihoodModel(MLContext ml, ITransformer model, DataViewSchema schema)
{
    private readonly Lazy<CompiledForest?> compiled = new(() => CompiledForest.TryCompile(model, schema));

    /// <summary>The model as flat arrays (FastTree with a Platt calibrator), or null when it cannot be compiled.</summary>
    public CompiledForest? Compiled => compiled.Value;

    public ITransformer Transformer => model;

    public DataViewSchema Schema => schema;

    /// <summary>Trains on <paramref name="rows"/>. FastTree's probabilities are Platt-calibrated on the training data; the logistic regression's are its own.</summary>
    public static LikelihoodModel Train(IEnumerable<ModelInput> rows, Learner learner, int seed = 1)
    {
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(rows);
        var features = ml.Transforms.Categorical.OneHotEncoding([new InputOutputColumnPair("CountryOneHot", nameof(ModelInput.Country)), new InputOutputColumnPair("SegmentOneHot", nameof(ModelInput.Segment))])
            .Append(ml.Transforms.Concatenate("Features", [.. ModelInput.Numeric, "CountryOneHot", "SegmentOneHot"]));
        if (learner == Learner.LogisticRegression)
        {
            var logistic = features.Append(ml.Transforms.NormalizeMeanVariance("Features")).Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(labelColumnName: nameof(ModelInput.Label))).Fit(data);
            return new LikelihoodModel(ml, logistic, data.Schema);
        }

        // One FastTree training at a time per process: a test run once aborted while several trained at once, and training
        // is a monthly job, so nothing is lost by serialising it.
        lock (FastTreeTraining)
        {
            return TrainTrees(ml, data, features, rows);
        }
    }

    private static readonly object FastTreeTraining = new();

    private static LikelihoodModel TrainTrees(MLContext ml, IDataView data, Microsoft.ML.Data.EstimatorChain<ColumnConcatenatingTransformer> features, IEnumerable<ModelInput> rows)
    {
        // Trees overfit their own training rows, so their probabilities are calibrated (Platt) on every 5th row, held out.
        var all = rows as IReadOnlyList<ModelInput> ?? rows.ToList();
        var fit = ml.Data.LoadFromEnumerable(all.Where((_, i) => i % 5 != 4));
        var holdout = ml.Data.LoadFromEnumerable(all.Where((_, i) => i % 5 == 4));
        var trees = features.Append(ml.BinaryClassification.Trainers.FastTree(labelColumnName: nameof(ModelInput.Label), numberOfLeaves: 31, numberOfTrees: 200, minimumExampleCountPerLeaf: 20, learningRate: 0.1)).Fit(fit);
        var calibrator = ml.BinaryClassification.Calibrators.Platt(labelColumnName: nameof(ModelInput.Label), scoreColumnName: "Score").Fit(trees.Transform(holdout));
        return new LikelihoodModel(ml, new TransformerChain<ITransformer>(trees, calibrator), data.Schema);
    }

    /// <summary>Probabilities of "paid on time" for <paramref name="rows"/>, in order.</summary>
    public IReadOnlyList<double> Predict(IEnumerable<ModelInput> rows)
    {
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        return ml.Data.CreateEnumerable<ModelOutput>(scored, reuseRowObject: false).Select(o => (double)o.Probability).ToList();
    }

    /// <summary>
    /// Probabilities with each feature's contribution (one-hot slots summed per category): path attribution on the compiled
    /// forest for FastTree models (see <see cref="CompiledForest"/>), ML.NET's feature contributions otherwise.
    /// </summary>
    public IReadOnlyList<(double Probability, IReadOnlyList<(string Feature, double Contribution)> Contributions)> PredictWithContributions(IReadOnlyList<ModelInput> rows) =>
        Compiled is { } forest ? forest.Explain(rows) : MlNetContributions(rows);

    /// <summary>
    /// Probabilities with ML.NET's feature contributions of the model (one-hot slots summed per category), for models whose
    /// last step supports them (FastTree, logistic regression).
    /// </summary>
    public IReadOnlyList<(double Probability, IReadOnlyList<(string Feature, double Contribution)> Contributions)> MlNetContributions(IReadOnlyList<ModelInput> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var data = ml.Data.LoadFromEnumerable(rows);
        var scored = model.Transform(data);
        // The predictor is the last step that can explain itself (a held-out calibrator may follow it); chains nest.
        var last = Flatten(model).Last(t => t is ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<Microsoft.ML.Trainers.FastTree.FastTreeBinaryModelParameters, PlattCalibrator>>
            or ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<Microsoft.ML.Trainers.LinearBinaryModelParameters, PlattCalibrator>>);
        ITransformer contributions = last switch
        {
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<Microsoft.ML.Trainers.FastTree.FastTreeBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>> tree =>
                ml.Transforms.CalculateFeatureContribution(tree, numberOfPositiveContributions: 5, numberOfNegativeContributions: 5, normalize: false).Fit(scored),
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<Microsoft.ML.Trainers.LinearBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>> linear =>
                ml.Transforms.CalculateFeatureContribution(linear, numberOfPositiveContributions: 5, numberOfNegativeContributions: 5, normalize: false).Fit(scored),
            _ => throw new NotSupportedException($"No feature contributions for {last.GetType().Name}."),
        };
        var explained = contributions.Transform(scored);
        var names = SlotNames(explained.Schema);
        var probabilities = explained.GetColumn<float>("Probability").ToList();
        var vectors = explained.GetColumn<float[]>("FeatureContributions").ToList();
        return probabilities.Select((p, i) => ((double)p, (IReadOnlyList<(string, double)>)vectors[i].Select((c, k) => (names[k], (double)c)).Where(x => x.Item2 != 0).ToList())).ToList();
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
        transformer is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [transformer];

    /// <summary>Feature name of each slot of the "Features" vector: the numeric columns, then the one-hot slots of the categories.</summary>
    private static string[] SlotNames(DataViewSchema schema)
    {
        var country = ((VectorDataViewType)schema["CountryOneHot"].Type).Size;
        var segment = ((VectorDataViewType)schema["SegmentOneHot"].Type).Size;
        return [.. ModelInput.Numeric, .. Enumerable.Repeat(nameof(ModelInput.Country), country), .. Enumerable.Repeat(nameof(ModelInput.Segment), segment)];
    }

    /// <summary>Saves the model (ML.NET zip with its input schema).</summary>
    public void Save(Stream stream) => ml.Model.Save(model, schema, stream);
}
