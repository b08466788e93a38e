using System.Globalization;

namespace CollectionsFx.Domain.Experiments;

/// <summary>Whether a metric is better when lower (days late, cost, disputes) or higher (paid on time, promises kept).</summary>
public enum Better
{
    Lower,
    Higher,
}

/// <summary>
/// An outcome compared between arms: its name, unit, which way is better, and how a difference reads in words
/// (<see cref="Gain"/> / <see cref="Loss"/> take the absolute difference formatted with its unit).
/// </summary>
public sealed record OutcomeMetric(string Name, string Unit, Better Better, string Gain, string Loss, string Format = "0.0")
{
    /// <summary>Average days late of the invoices due during the experiment (open ones count their days so far).</summary>
    public static readonly OutcomeMetric DaysLate = new("daysLate", "days", Better.Lower, "collects {0} days faster", "collects {0} days slower");

    /// <summary>Share of the amount due during the experiment that was paid within 30 days of its due date.</summary>
    public static readonly OutcomeMetric PaidWithin30Days = new("paidWithin30Days", "points", Better.Higher, "collects {0} points more within 30 days of due", "collects {0} points less within 30 days of due");

    /// <summary>Share of the customer's promises evaluated during the experiment that were kept.</summary>
    public static readonly OutcomeMetric PromiseKeptRate = new("promiseKeptRate", "points", Better.Higher, "keeps {0} points more promises", "keeps {0} points fewer promises");

    /// <summary>Whether the customer opened a dispute or complaint during the experiment (the guardrail's measure).</summary>
    public static readonly OutcomeMetric DisputeRate = new("disputeRate", "points", Better.Lower, "has {0} points fewer customers disputing", "has {0} points more customers disputing");

    /// <summary>Cost of the collection actions taken on the customer during the experiment (reporting currency).</summary>
    public static readonly OutcomeMetric CostPerCustomer = new("costPerCustomer", "", Better.Lower, "costs {0} less per customer", "costs {0} more per customer", "N2");
}

/// <summary>
/// The effect of an arm against the champion on one metric: both means, the difference (arm − champion), its confidence
/// interval, the sample sizes, whether the interval excludes zero, and the verdict in words.
/// </summary>
public sealed record ArmEffect(
    string Metric, string Arm, double ChampionMean, double ArmMean, double Difference, double Low, double High, double Confidence,
    int ChampionCustomers, int ArmCustomers, bool Decisive, string Verdict);

/// <summary>
/// Effect sizes with bootstrap confidence intervals over customers (the unit of assignment): each resample draws customers
/// with replacement within each arm and takes the difference of means; the interval is the percentile interval of those
/// differences. Seeded, so the same data gives the same interval.
/// </summary>
public static class EffectAnalysis
{
    /// <summary>Resamples per interval.</summary>
    public const int DefaultResamples = 2_000;

    public static ArmEffect Estimate(
        OutcomeMetric metric, string arm, IReadOnlyList<double> champion, IReadOnlyList<double> challenger, int seed, double confidence = 0.95, int resamples = DefaultResamples)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        if (champion.Count < 2 || challenger.Count < 2)
        {
            return new ArmEffect(metric.Name, arm, Mean(champion), Mean(challenger), double.NaN, double.NaN, double.NaN, confidence, champion.Count, challenger.Count, false,
                $"{arm}: not enough customers with a {metric.Name} outcome yet ({challenger.Count} against the champion's {champion.Count})");
        }

        var random = new Random(seed);
        var differences = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            differences[b] = ResampledMean(challenger, random) - ResampledMean(champion, random);
        }

        Array.Sort(differences);
        var tail = (1 - confidence) / 2;
        var low = Mining.Stats.Percentile(differences, tail);
        var high = Mining.Stats.Percentile(differences, 1 - tail);
        var difference = Mean(challenger) - Mean(champion);
        var decisive = low > 0 || high < 0;
        return new ArmEffect(metric.Name, arm, Mean(champion), Mean(challenger), difference, low, high, confidence, champion.Count, challenger.Count, decisive,
            Verdict(metric, arm, difference, low, high, confidence, decisive));
    }

    /// <summary>
    /// "challenger collects 2.1 days faster, 95% CI 0.8–3.4; enough evidence", or "no clear difference yet" with the interval:
    /// the interval is given as the gain's range, so it reads in the same direction as the sentence.
    /// </summary>
    public static string Verdict(OutcomeMetric metric, string arm, double difference, double low, double high, double confidence, bool decisive)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var invariant = CultureInfo.InvariantCulture;
        var scale = metric.Unit == "points" ? 100 : 1;
        string F(double v) => (v * scale).ToString(metric.Format, invariant);
        var level = (confidence * 100).ToString("0", invariant) + "% CI";
        // Gain is positive when the arm is better.
        var sign = metric.Better == Better.Lower ? -1 : 1;
        var (gain, gainLow, gainHigh) = (sign * difference, Math.Min(sign * low, sign * high), Math.Max(sign * low, sign * high));
        if (!decisive)
        {
            return $"{arm}: no clear difference yet ({F(gain)} {metric.Unit} better, {level} {F(gainLow)} to {F(gainHigh)}); keep running".Replace("  ", " ", StringComparison.Ordinal);
        }

        var words = string.Format(invariant, gain > 0 ? metric.Gain : metric.Loss, F(Math.Abs(gain)));
        var range = gain > 0 ? $"{F(gainLow)}–{F(gainHigh)}" : $"{F(-gainHigh)}–{F(-gainLow)}";
        return $"{arm} {words}, {level} {range}; enough evidence";
    }

    /// <summary>
    /// Customers needed per arm to detect <paramref name="minimumEffect"/> (difference of means) with a two-sided test at
    /// <paramref name="alpha"/> and <paramref name="power"/>: n = (z₁₋α/₂ + z_power)² (σ₁² + σ₂²) / δ².
    /// </summary>
    public static int RequiredPerArm(double sdChampion, double sdChallenger, double minimumEffect, double alpha = 0.05, double power = 0.8)
    {
        if (!(minimumEffect > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumEffect), "must be positive");
        }

        var z = Normal.Quantile(1 - (alpha / 2)) + Normal.Quantile(power);
        return (int)Math.Ceiling(z * z * ((sdChampion * sdChampion) + (sdChallenger * sdChallenger)) / (minimumEffect * minimumEffect));
    }

    /// <summary>
    /// Days more to run until every arm has <paramref name="requiredPerArm"/> customers with an outcome, at the pace seen so
    /// far (<paramref name="smallestArm"/> customers in <paramref name="elapsedDays"/>); 0 when there are enough, null when
    /// no outcome has come in yet to tell the pace.
    /// </summary>
    public static double? DaysToDecision(int requiredPerArm, int smallestArm, double elapsedDays)
    {
        if (smallestArm >= requiredPerArm)
        {
            return 0;
        }

        return smallestArm == 0 || elapsedDays <= 0 ? null : Math.Ceiling((requiredPerArm - smallestArm) / (smallestArm / elapsedDays));
    }

    /// <summary>The guardrail: the arm's dispute rate above the champion's by more than the margin, both arms large enough.</summary>
    public static string? GuardrailBreach(Guardrail guardrail, string arm, IReadOnlyList<double> championDisputes, IReadOnlyList<double> armDisputes)
    {
        ArgumentNullException.ThrowIfNull(guardrail);
        ArgumentNullException.ThrowIfNull(championDisputes);
        ArgumentNullException.ThrowIfNull(armDisputes);
        if (championDisputes.Count < guardrail.MinCustomers || armDisputes.Count < guardrail.MinCustomers)
        {
            return null;
        }

        // Above the margin, and not by chance: the one-sided 95% lower bound of the difference of the two rates is above 0
        // (with a few hundred customers per arm a five-point gap is often noise).
        var (champion, challenger) = (Mean(championDisputes), Mean(armDisputes));
        var se = Math.Sqrt((champion * (1 - champion) / championDisputes.Count) + (challenger * (1 - challenger) / armDisputes.Count));
        return challenger - champion > guardrail.MaxDisputeRateIncrease && challenger - champion - (Normal.Quantile(0.95) * se) > 0
            ? $"{arm} stopped: {Percent(challenger, "0.0")} of its customers disputed against the champion's {Percent(champion, "0.0")}, more than {Percent(guardrail.MaxDisputeRateIncrease, "0.#")} points above"
            : null;
    }

    private static string Percent(double share, string format) => (share * 100).ToString(format, CultureInfo.InvariantCulture) + "%";

    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>Sample standard deviation (n − 1).</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return double.NaN;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    private static double ResampledMean(IReadOnlyList<double> values, Random random)
    {
        var sum = 0.0;
        for (var i = 0; i < values.Count; i++)
        {
            sum += values[random.Next(values.Count)];
        }

        return sum / values.Count;
    }
}

/// <summary>The standard normal distribution's quantile function (Acklam's rational approximation, relative error &lt; 1.2e-9).</summary>
public static class Normal
{
    private static readonly double[] A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    private static readonly double[] B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    private static readonly double[] C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    private static readonly double[] D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];

    public static double Quantile(double p)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), "must be between 0 and 1");
        }

        const double Low = 0.02425;
        if (p > 1 - Low)
        {
            return -Quantile(1 - p);
        }

        if (p < Low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return Polynomial(C, q) / (Polynomial(D, q) * q + 1);
        }

        var r = p - 0.5;
        var s = r * r;
        return Polynomial(A, s) * r / (Polynomial(B, s) * s + 1);
    }

    /// <summary>c₀xⁿ⁻¹ + … + cₙ₋₁ by Horner's rule.</summary>
    private static double Polynomial(double[] coefficients, double x) => coefficients.Aggregate(0.0, (sum, c) => (sum * x) + c);
}
