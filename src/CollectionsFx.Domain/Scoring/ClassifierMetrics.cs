namespace CollectionsFx.Domain.Scoring;

/// <summary>One decile of the calibration table: mean predicted probability against the observed rate.</summary>
public sealed record CalibrationBin(int Decile, int Count, double MeanPredicted, double Observed);

/// <summary>How well probabilities of "paid on time" separate and match what happened.</summary>
public sealed record ClassifierMetrics(int Rows, double PositiveRate, double RocAuc, double PrAuc, double LogLoss, double Brier, double CalibrationError, IReadOnlyList<CalibrationBin> Calibration);

/// <summary>ROC AUC, PR AUC (average precision), log loss, Brier score and calibration by decile. Pure, for every model alike.</summary>
public static class Metrics
{
    /// <summary>Metrics of <paramref name="probabilities"/> (of the positive class) against <paramref name="labels"/>.</summary>
    public static ClassifierMetrics Compute(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        if (probabilities.Count != labels.Count || probabilities.Count == 0)
        {
            throw new ArgumentException("Need as many probabilities as labels, and at least one.", nameof(probabilities));
        }

        var n = labels.Count;
        var positives = labels.Count(l => l);
        var order = Enumerable.Range(0, n).OrderBy(i => probabilities[i]).ToArray();

        // ROC AUC by ranks (Mann-Whitney), ties sharing their mean rank.
        var ranks = new double[n];
        for (var i = 0; i < n;)
        {
            var j = i;
            while (j + 1 < n && probabilities[order[j + 1]] == probabilities[order[i]])
            {
                j++;
            }

            for (var k = i; k <= j; k++)
            {
                ranks[order[k]] = (i + j + 2) / 2.0;
            }

            i = j + 1;
        }

        var negatives = n - positives;
        var rankSum = Enumerable.Range(0, n).Where(i => labels[i]).Sum(i => ranks[i]);
        var auc = positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);

        // Average precision over the ranking from the most to the least likely.
        double precisionSum = 0;
        var truePositives = 0;
        for (var r = 0; r < n; r++)
        {
            if (labels[order[n - 1 - r]])
            {
                truePositives++;
                precisionSum += (double)truePositives / (r + 1);
            }
        }

        var prAuc = positives == 0 ? double.NaN : precisionSum / positives;
        const double Epsilon = 1e-15;
        var logLoss = -Enumerable.Range(0, n).Average(i => labels[i] ? Math.Log(Math.Clamp(probabilities[i], Epsilon, 1)) : Math.Log(Math.Clamp(1 - probabilities[i], Epsilon, 1)));
        var brier = Enumerable.Range(0, n).Average(i => Math.Pow(probabilities[i] - (labels[i] ? 1 : 0), 2));
        var bins = new List<CalibrationBin>();
        for (var d = 0; d < 10; d++)
        {
            var members = order.Skip(d * n / 10).Take(((d + 1) * n / 10) - (d * n / 10)).ToList();
            if (members.Count > 0)
            {
                bins.Add(new CalibrationBin(d + 1, members.Count, members.Average(i => probabilities[i]), members.Average(i => labels[i] ? 1.0 : 0.0)));
            }
        }

        var ece = bins.Sum(b => b.Count * Math.Abs(b.MeanPredicted - b.Observed)) / n;
        return new ClassifierMetrics(n, (double)positives / n, auc, prAuc, logLoss, brier, ece, bins);
    }
}
