namespace CollectionsFx.Domain.Scoring;

/// <summary>
/// How a run's likelihoods are spread: counts in ten bins of width 0.1, per risk band, and their mean. Batches add up.
/// </summary>
public sealed record ScoreDistribution(IReadOnlyList<int> Bins, int Low, int Medium, int High, double Mean)
{
    /// <summary>Bins of the likelihood [0, 0.1), [0.1, 0.2) … [0.9, 1].</summary>
    public const int BinCount = 10;

    /// <summary>The empty distribution.</summary>
    public static ScoreDistribution Empty { get; } = new(new int[BinCount], 0, 0, 0, 0);

    /// <summary>Number of scores.</summary>
    public int Count => Low + Medium + High;

    /// <summary>The distribution of <paramref name="likelihoods"/>.</summary>
    public static ScoreDistribution Of(IEnumerable<double> likelihoods)
    {
        ArgumentNullException.ThrowIfNull(likelihoods);
        var bins = new int[BinCount];
        int low = 0, medium = 0, high = 0;
        double sum = 0;
        foreach (var p in likelihoods)
        {
            bins[Math.Clamp((int)(p * BinCount), 0, BinCount - 1)]++;
            sum += p;
            switch (FeatureBuilder.RiskBand(p))
            {
                case "low": low++; break;
                case "medium": medium++; break;
                default: high++; break;
            }
        }

        var n = low + medium + high;
        return new ScoreDistribution(bins, low, medium, high, n == 0 ? 0 : sum / n);
    }

    /// <summary>The distribution of all scores of several batches.</summary>
    public static ScoreDistribution Sum(IEnumerable<ScoreDistribution> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var bins = new int[BinCount];
        int low = 0, medium = 0, high = 0;
        double sum = 0;
        foreach (var d in parts)
        {
            for (var i = 0; i < BinCount; i++)
            {
                bins[i] += d.Bins[i];
            }

            (low, medium, high) = (low + d.Low, medium + d.Medium, high + d.High);
            sum += d.Mean * d.Count;
        }

        var n = low + medium + high;
        return new ScoreDistribution(bins, low, medium, high, n == 0 ? 0 : sum / n);
    }
}

/// <summary>How tonight's scores moved against the previous run's: mean, band shares (percentage points) and PSI.</summary>
public sealed record ScoreShift(string PreviousRunId, double MeanChange, double LowShareChange, double MediumShareChange, double HighShareChange, double Psi, string Verdict)
{
    /// <summary>PSI below this is stable (the common rule of thumb).</summary>
    public const double Stable = 0.1;

    /// <summary>PSI above this is a major shift worth a look before acting on the scores.</summary>
    public const double Major = 0.25;

    /// <summary>
    /// Compares two runs. PSI = Σ over bins (current share − previous share) × ln(current share ÷ previous share), with empty
    /// bins counted as 0.0001 so a bin that empties or fills gives a large finite value.
    /// </summary>
    public static ScoreShift Between(string previousRunId, ScoreDistribution previous, ScoreDistribution current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        double psi = 0;
        for (var i = 0; i < ScoreDistribution.BinCount; i++)
        {
            var e = Share(previous.Bins[i], previous.Count);
            var a = Share(current.Bins[i], current.Count);
            psi += (a - e) * Math.Log(a / e);
        }

        var verdict = psi < Stable ? "stable" : psi <= Major ? "moderate shift" : "major shift: check the data and the model before acting on tonight's scores";
        return new ScoreShift(
            previousRunId, current.Mean - previous.Mean,
            Points(current.Low, current.Count) - Points(previous.Low, previous.Count),
            Points(current.Medium, current.Count) - Points(previous.Medium, previous.Count),
            Points(current.High, current.Count) - Points(previous.High, previous.Count),
            psi, verdict);

        static double Share(int k, int n) => Math.Max(n == 0 ? 0 : (double)k / n, 0.0001);

        static double Points(int k, int n) => n == 0 ? 0 : 100.0 * k / n;
    }
}
