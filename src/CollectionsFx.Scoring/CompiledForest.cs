using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace CollectionsFx.Scoring;

/// <summary>
/// A trained FastTree model flattened into arrays, to score and explain rows without ML.NET's data views (ADR 007): the same
/// probability as ML.NET (a test holds them equal to 1e-5), in parallel, and each score's feature contributions by path
/// attribution: walking a row's path through a tree, each split moves the value from the node's to the child's, and that
/// move is credited to the split's feature; summed over trees the credits add up exactly to the score minus the ensemble's
/// base value. A node's value is the mean of the leaf values below it (FastTree keeps no leaf counts to weight them).
/// </summary>
public sealed class CompiledForest
{
    private readonly int[] roots;
    private readonly int[] left;
    private readonly int[] right;
    private readonly int[] feature;
    private readonly float[] threshold;
    private readonly double[] nodeValue;
    private readonly double[] leafValue;
    private readonly int[] leafBase;
    private readonly double bias;
    private readonly double slope;
    private readonly double offset;
    private readonly Dictionary<string, int> countries;
    private readonly Dictionary<string, int> segments;
    private readonly int width;
    private readonly int[] slotFeature;
    private int[] nodeFeature = [];
    private double[] leftDelta = [];
    private double[] rightDelta = [];
    private double baseValue;

    private CompiledForest(
        int[] roots, int[] left, int[] right, int[] feature, float[] threshold, double[] nodeValue, double[] leafValue, int[] leafBase, double bias,
        double slope, double offset, Dictionary<string, int> countries, Dictionary<string, int> segments, int width)
    {
        (this.roots, this.left, this.right, this.feature, this.threshold, this.nodeValue, this.leafValue, this.leafBase) = (roots, left, right, feature, threshold, nodeValue, leafValue, leafBase);
        (this.bias, this.slope, this.offset, this.countries, this.segments, this.width) = (bias, slope, offset, countries, segments, width);

        // Slot of the feature vector → feature: the numeric columns one each, then every one-hot slot to its category.
        slotFeature = [.. Enumerable.Range(0, width).Select(k => k < ModelInput.Numeric.Length ? k : k < ModelInput.Numeric.Length + countries.Count ? ModelInput.Numeric.Length : ModelInput.Numeric.Length + 1)];
    }

    /// <summary>
    /// The compiled form of a model whose trees are FastTree with numeric splits and whose last step is a Platt calibrator of
    /// their score; null for anything else (then ML.NET's own path is used).
    /// </summary>
    public static CompiledForest? TryCompile(ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(model);
        var steps = Flatten(model).ToList();
        var trees = steps.OfType<ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>>>().LastOrDefault();
        if (trees is null || steps[^1] is not ISingleFeaturePredictionTransformer<PlattCalibrator> platt)
        {
            return null;
        }

        var ensemble = trees.Model.SubModel.TrainedTreeEnsemble;
        if (ensemble.Trees.Any(t => t.CategoricalSplitFlags.Any(c => c)))
        {
            return null;
        }

        var output = model.GetOutputSchema(inputSchema);
        var countries = Terms(output, "CountryOneHot");
        var segments = Terms(output, "SegmentOneHot");

        var (rootList, leftList, rightList, featureList, thresholdList, nodeValues, leafValues, leafBases) = (new List<int>(), new List<int>(), new List<int>(), new List<int>(), new List<float>(), new List<double>(), new List<double>(), new List<int>());
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            var weight = ensemble.TreeWeights[t];
            var nodeStart = leftList.Count;
            var leafStart = leafValues.Count;
            rootList.Add(tree.NumberOfLeaves > 1 ? nodeStart : ~leafStart);
            leafBases.Add(leafStart);
            leafValues.AddRange(tree.LeafValues.Select(v => v * weight));
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                // Children: a node index within this tree, or ~leaf; stored globally.
                leftList.Add(tree.LeftChild[n] >= 0 ? nodeStart + tree.LeftChild[n] : ~(leafStart + ~tree.LeftChild[n]));
                rightList.Add(tree.RightChild[n] >= 0 ? nodeStart + tree.RightChild[n] : ~(leafStart + ~tree.RightChild[n]));
                featureList.Add(tree.NumericalSplitFeatureIndexes[n]);
                thresholdList.Add(tree.NumericalSplitThresholds[n]);
                nodeValues.Add(0);
            }
        }

        var forest = new CompiledForest(
            [.. rootList], [.. leftList], [.. rightList], [.. featureList], [.. thresholdList], [.. nodeValues], [.. leafValues], [.. leafBases],
            ensemble.Bias, platt.Model.Slope, platt.Model.Offset, countries, segments, ModelInput.Numeric.Length + countries.Count + segments.Count);
        forest.ComputeNodeValues();
        return forest;
    }

    /// <summary>The calibrated probability of each row, in parallel.</summary>
    public double[] Predict(IReadOnlyList<ModelInput> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var result = new double[rows.Count];
        Parallel.For(0, rows.Count, () => new float[width], (i, _, x) =>
        {
            Fill(rows[i], x);
            result[i] = Probability(Score(x));
            return x;
        }, _ => { });
        return result;
    }

    /// <summary>Probability and the non-zero contributions per feature (one-hot slots summed per category) of each row, in parallel.</summary>
    public IReadOnlyList<(double Probability, IReadOnlyList<(string Feature, double Contribution)> Contributions)> Explain(IReadOnlyList<ModelInput> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var result = new (double, IReadOnlyList<(string, double)>)[rows.Count];
        var features = ModelInput.Numeric.Length + 2;
        Parallel.For(0, rows.Count, () => (X: new float[width], C: new double[features]), (i, _, buffers) =>
        {
            var (x, c) = buffers;
            Fill(rows[i], x);
            var score = Attribute(x, c);
            result[i] = (Probability(score), new Contributions((double[])c.Clone()));
            return buffers;
        }, _ => { });
        return result;
    }

    /// <summary>
    /// Fills <paramref name="c"/> with each feature's credit and returns the raw score. Each step credits the move from the
    /// node's value to the child's to the node's feature; the credits telescope: score = base value (bias + every root's
    /// value) + Σ credits. Optimised at once: a nightly run calls it a few times, too few for tiered compilation to.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Attribute(float[] x, double[] c)
    {
        Array.Clear(c);
        foreach (var root in roots)
        {
            var node = root;
            while (node >= 0)
            {
                if (x[feature[node]] <= threshold[node])
                {
                    c[nodeFeature[node]] += leftDelta[node];
                    node = left[node];
                }
                else
                {
                    c[nodeFeature[node]] += rightDelta[node];
                    node = right[node];
                }
            }
        }

        var score = baseValue;
        foreach (var v in c)
        {
            score += v;
        }

        return score;
    }

    /// <summary>The ensemble's raw score of a feature vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Score(float[] x)
    {
        var score = bias;
        foreach (var root in roots)
        {
            var node = root;
            while (node >= 0)
            {
                node = x[feature[node]] <= threshold[node] ? left[node] : right[node];
            }

            score += leafValue[~node];
        }

        return score;
    }

    /// <summary>ML.NET's Platt calibrator: 1 / (1 + e^(slope·score + offset)).</summary>
    private double Probability(double score) => (float)(1 / (1 + Math.Exp((slope * score) + offset)));

    private void Fill(ModelInput row, float[] x)
    {
        Array.Clear(x);
        x[0] = row.PriorLateShare;
        x[1] = row.PriorMeanDaysLate;
        x[2] = row.PriorSettled;
        x[3] = row.ColdStart;
        x[4] = row.PriorDisputes;
        x[5] = row.PriorBrokenPromises;
        x[6] = row.AmountVsMean;
        x[7] = row.LogAmount;
        x[8] = row.TermsDays;
        x[9] = row.DaysToDue;
        x[10] = row.OpenShare;
        x[11] = row.LogOpenBalance;
        x[12] = row.BalanceTrend;
        x[13] = row.Paperless;

        // An unseen category is all zeros, as ML.NET's one-hot encoding makes it.
        if (countries.TryGetValue(row.Country, out var c))
        {
            x[ModelInput.Numeric.Length + c] = 1;
        }

        if (segments.TryGetValue(row.Segment, out var s))
        {
            x[ModelInput.Numeric.Length + countries.Count + s] = 1;
        }
    }

    /// <summary>Each node's value: the mean of the leaf values below it (children before parents: computed recursively per tree).</summary>
    private void ComputeNodeValues()
    {
        foreach (var root in roots.Where(r => r >= 0))
        {
            Visit(root);
        }

        double Value(int node) => node >= 0 ? nodeValue[node] : leafValue[~node];
        nodeFeature = [.. feature.Select(f => slotFeature[f])];
        leftDelta = [.. Enumerable.Range(0, left.Length).Select(n => Value(left[n]) - nodeValue[n])];
        rightDelta = [.. Enumerable.Range(0, right.Length).Select(n => Value(right[n]) - nodeValue[n])];
        baseValue = bias + roots.Sum(Value);

        (double Sum, int Count) Visit(int node)
        {
            if (node < 0)
            {
                return (leafValue[~node], 1);
            }

            var (ls, lc) = Visit(left[node]);
            var (rs, rc) = Visit(right[node]);
            nodeValue[node] = (ls + rs) / (lc + rc);
            return (ls + rs, lc + rc);
        }
    }

    private static Dictionary<string, int> Terms(DataViewSchema schema, string column)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        schema[column].GetSlotNames(ref names);
        var terms = new Dictionary<string, int>(StringComparer.Ordinal);
        var values = names.DenseValues().ToList();
        for (var i = 0; i < values.Count; i++)
        {
            terms[values[i].ToString()] = i;
        }

        return terms;
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
        transformer is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [transformer];

    /// <summary>A row's credits per feature (numeric columns, then Country, then Segment), read as its non-zero (feature, credit) pairs.</summary>
    private sealed class Contributions(double[] credits) : IReadOnlyList<(string Feature, double Contribution)>
    {
        private static readonly string[] Names = [.. ModelInput.Numeric, nameof(ModelInput.Country), nameof(ModelInput.Segment)];

        private List<(string, double)>? list;

        public int Count => List().Count;

        public (string Feature, double Contribution) this[int index] => List()[index];

        public IEnumerator<(string Feature, double Contribution)> GetEnumerator()
        {
            for (var k = 0; k < credits.Length; k++)
            {
                if (credits[k] != 0)
                {
                    yield return (Names[k], credits[k]);
                }
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private List<(string, double)> List() => list ??= [.. this];
    }
}
