using CollectionsFx.Domain.Experiments;

namespace CollectionsFx.Domain.Tests.Experiments;

/// <summary>
/// The analysis against simulated customers with a known truth, over many seeds: with no effect (A/A) it claims one at about
/// its stated false-positive rate (5%); with an injected effect it finds it (power) and its intervals cover the true effect
/// at about their stated rate. Days late are skewed as in real books (most pay near the due date, a tail pays months late).
/// </summary>
public sealed class ExperimentSimulationTests
{
    /// <summary>Days late of one customer: a log-normal delay around a week, minus a third paying early; the arm's effect added.</summary>
    private static double DaysLate(Random random, double effect)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        var delay = Math.Exp(1.8 + (0.9 * z)) - 4; // median ≈ 2 days late, long right tail
        return delay + effect;
    }

    private static (double[] Champion, double[] Challenger) Sample(int seed, int perArm, double effect)
    {
        var random = new Random(seed);
        return ([.. Enumerable.Range(0, perArm).Select(_ => DaysLate(random, 0))], [.. Enumerable.Range(0, perArm).Select(_ => DaysLate(random, effect))]);
    }

    [Fact]
    public void An_A_A_test_finds_an_effect_at_about_the_stated_false_positive_rate()
    {
        const int Seeds = 300;
        var claims = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var (a, b) = Sample(seed, 150, effect: 0);
            claims += EffectAnalysis.Estimate(OutcomeMetric.DaysLate, "A2", a, b, seed, resamples: 1_000).Decisive ? 1 : 0;
        }

        // 5% nominal; with 300 seeds the binomial spread puts a correct procedure within 2-9%.
        Assert.InRange(claims / (double)Seeds, 0.02, 0.09);
    }

    [Fact]
    public void An_A_B_test_with_a_known_effect_finds_it_with_power_and_its_intervals_cover_it()
    {
        const int Seeds = 200;
        const double Effect = -3; // the challenger collects three days faster
        var (found, covered) = (0, 0);
        for (var seed = 1_000; seed < 1_000 + Seeds; seed++)
        {
            var (a, b) = Sample(seed, 300, Effect);
            var estimate = EffectAnalysis.Estimate(OutcomeMetric.DaysLate, "B", a, b, seed, resamples: 1_000);
            found += estimate.Decisive && estimate.Difference < 0 ? 1 : 0;
            covered += estimate.Low <= Effect && Effect <= estimate.High ? 1 : 0;
        }

        // The sample-size formula says 300 per arm gives this effect about 90% power with this spread; check both agree.
        var (sa, sb) = Sample(7, 5_000, Effect);
        var required = EffectAnalysis.RequiredPerArm(EffectAnalysis.StandardDeviation(sa), EffectAnalysis.StandardDeviation(sb), -Effect);
        Assert.InRange(required, 150, 300);
        Assert.True(found / (double)Seeds >= 0.8, $"found the effect in {found} of {Seeds}");
        Assert.InRange(covered / (double)Seeds, 0.90, 0.98);
    }
}
