using CollectionsFx.Domain.Experiments;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Tests.Experiments;

public sealed class ArmAssignmentTests
{
    private static ExperimentDesign Design(params double[] shares) => new(
        "exp-1", "Firmer reminders", "A", [.. shares.Select((s, i) => new ExperimentArm(((char)('A' + i)).ToString(), "pb-" + i, s))], new Eligibility(), new Guardrail());

    [Theory]
    [InlineData(new[] { 0.5, 0.5 }, 101, new[] { 51, 50 })]
    [InlineData(new[] { 0.7, 0.3 }, 10, new[] { 7, 3 })]
    [InlineData(new[] { 0.7, 0.3 }, 11, new[] { 8, 3 })]
    [InlineData(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }, 100, new[] { 34, 33, 33 })]
    [InlineData(new[] { 0.5, 0.5 }, 0, new[] { 0, 0 })]
    public void Quotas_give_each_arm_its_share_and_the_rest_by_largest_remainder(double[] shares, int count, int[] expected)
    {
        Assert.Equal(expected, ArmAssignment.Quotas(Design(shares).Arms, count));
    }

    [Fact]
    public void Every_risk_band_is_split_as_the_shares_say_and_the_split_is_the_same_on_every_run()
    {
        var design = Design(0.6, 0.4);
        var customers = Enumerable.Range(0, 250).Select(i => ($"C{i}", i % 5 == 0 ? "high" : i % 2 == 0 ? "medium" : "low")).ToList();

        var assignment = ArmAssignment.AssignAtStart(design, customers);

        Assert.Equal(250, assignment.Count);
        foreach (var band in customers.GroupBy(c => c.Item2))
        {
            var inA = band.Count(c => assignment[c.Item1] == "A");
            Assert.Equal(ArmAssignment.Quotas(design.Arms, band.Count())[0], inA);
        }

        Assert.Equal(assignment, ArmAssignment.AssignAtStart(design, Enumerable.Reverse(customers)));
        // Another experiment draws another split.
        var other = ArmAssignment.AssignAtStart(design with { Id = "exp-2" }, customers);
        Assert.True(customers.Count(c => assignment[c.Item1] != other[c.Item1]) > 50);
    }

    [Fact]
    public void A_late_customer_is_placed_by_the_hash_in_proportion_to_the_shares()
    {
        var design = Design(0.7, 0.2, 0.1);
        var arms = Enumerable.Range(0, 20_000).Select(i => ArmAssignment.AssignLate(design, "L" + i)).GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count() / 20_000.0);

        Assert.InRange(arms["A"], 0.68, 0.72);
        Assert.InRange(arms["B"], 0.18, 0.22);
        Assert.InRange(arms["C"], 0.085, 0.115);
        Assert.Equal(ArmAssignment.AssignLate(design, "L7"), ArmAssignment.AssignLate(design, "L7"));
        Assert.All(Enumerable.Range(0, 1_000), i => Assert.InRange(ArmAssignment.Uniform("e", "c" + i), 0.0, 0.9999999999));
    }

    public static TheoryData<ExperimentDesign, string?> Designs => new()
    {
        { Design(0.5, 0.5), null },
        { Design(0.5, 0.4), "arms.share" },
        { Design(1.0), "arms" },
        { Design(0.5, 0.5) with { ChampionArm = "Z" }, "championArm" },
        { Design(0.5, 0.5) with { Id = "bad id" }, "id" },
        { Design(0.5, 0.5) with { MinimumEffectDays = 0 }, "minimumEffectDays" },
        { Design(0.5, 0.5) with { Guardrail = new Guardrail(0, 30) }, "guardrail" },
        { Design(1.2, -0.2), "arms.share" },
    };

    [Theory]
    [MemberData(nameof(Designs))]
    public void A_design_names_the_field_that_stops_it_from_running(ExperimentDesign design, string? field)
    {
        var problems = design.Problems();
        if (field is null)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.Contains(problems, p => p.Field == field);
        }
    }

    [Theory]
    [InlineData(new[] { "Smb" }, null, "Smb", "high", true)]
    [InlineData(new[] { "Smb" }, null, "Strategic", "high", false)]
    [InlineData(null, new[] { "low", "medium" }, "Strategic", "high", false)]
    [InlineData(null, null, "MidMarket", "medium", true)]
    public void Eligibility_filters_by_segment_and_risk_band(string[]? segments, string[]? bands, string segment, string band, bool admitted)
    {
        var rule = new Eligibility(segments?.Select(Enum.Parse<Segment>).ToList(), bands);
        Assert.Equal(admitted, rule.Admits(Enum.Parse<Segment>(segment), band));
    }
}

public sealed class EffectAnalysisTests
{
    [Theory]
    [InlineData(0.975, 1.959964)]
    [InlineData(0.8, 0.841621)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.01, -2.326348)]
    [InlineData(0.999, 3.090232)]
    public void Normal_quantiles_match_the_tables(double p, double z)
    {
        Assert.Equal(z, Normal.Quantile(p), 5);
    }

    [Theory]
    [InlineData(10, 10, 2, 0.05, 0.8, 393)]   // (1.96 + 0.84)² × 200 / 4
    [InlineData(10, 10, 1, 0.05, 0.8, 1570)]
    [InlineData(8, 12, 2, 0.05, 0.9, 547)]   // (1.96 + 1.28)² × 208 / 4
    public void The_sample_size_follows_the_two_sample_formula(double sd1, double sd2, double effect, double alpha, double power, int expected)
    {
        Assert.Equal(expected, EffectAnalysis.RequiredPerArm(sd1, sd2, effect, alpha, power));
    }

    [Theory]
    [InlineData(400, 400, 30, 0.0)]
    [InlineData(400, 100, 30, 90.0)]   // 100 in 30 days: 300 more take 90
    [InlineData(400, 0, 30, null)]
    public void Days_to_a_decision_follow_the_pace_so_far(int required, int smallest, double elapsed, double? days)
    {
        Assert.Equal(days, EffectAnalysis.DaysToDecision(required, smallest, elapsed));
    }

    public static TheoryData<OutcomeMetric, double, double, double, bool, string> Verdicts => new()
    {
        { OutcomeMetric.DaysLate, -2.1, -3.4, -0.8, true, "B collects 2.1 days faster, 95% CI 0.8–3.4; enough evidence" },
        { OutcomeMetric.DaysLate, 1.5, 0.2, 2.9, true, "B collects 1.5 days slower, 95% CI 0.2–2.9; enough evidence" },
        { OutcomeMetric.DaysLate, -0.4, -1.9, 1.1, false, "B: no clear difference yet (0.4 days better, 95% CI -1.1 to 1.9); keep running" },
        { OutcomeMetric.PaidWithin30Days, 0.062, 0.021, 0.103, true, "B collects 6.2 points more within 30 days of due, 95% CI 2.1–10.3; enough evidence" },
        { OutcomeMetric.DisputeRate, 0.05, 0.01, 0.09, true, "B has 5.0 points more customers disputing, 95% CI 1.0–9.0; enough evidence" },
    };

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void The_verdict_says_the_effect_its_interval_and_whether_it_is_enough(OutcomeMetric metric, double difference, double low, double high, bool decisive, string expected)
    {
        Assert.Equal(expected, EffectAnalysis.Verdict(metric, "B", difference, low, high, 0.95, decisive));
    }

    [Theory]
    [InlineData(0.10, 0.20, 200, 200, true)]
    [InlineData(0.10, 0.14, 200, 200, false)] // below the margin
    [InlineData(0.10, 0.20, 40, 40, false)]   // above it, but forty customers a side cannot tell it from chance
    [InlineData(0.10, 0.40, 20, 40, false)]   // the champion arm is still too small to judge
    public void The_guardrail_stops_an_arm_whose_dispute_rate_runs_above_the_champions(double champion, double arm, int championN, int armN, bool stopped)
    {
        static List<double> Rate(double rate, int n) => [.. Enumerable.Range(0, n).Select(i => i < Math.Round(rate * n) ? 1.0 : 0.0)];

        var breach = EffectAnalysis.GuardrailBreach(new Guardrail(0.05, 30), "B", Rate(champion, championN), Rate(arm, armN));

        Assert.Equal(stopped, breach is not null);
        if (breach is not null)
        {
            Assert.StartsWith("B stopped: 20.0% of its customers disputed against the champion's 10.0%", breach, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_interval_is_the_same_for_the_same_data_and_seed_and_too_few_customers_say_so()
    {
        double[] a = [10, 12, 9, 30, 4, 8, 15, 11];
        double[] b = [6, 7, 9, 12, 3, 5, 8, 10];
        var first = EffectAnalysis.Estimate(OutcomeMetric.DaysLate, "B", a, b, seed: 42);
        Assert.Equal(first, EffectAnalysis.Estimate(OutcomeMetric.DaysLate, "B", a, b, seed: 42));
        Assert.Equal(b.Average() - a.Average(), first.Difference, 10);
        Assert.True(first.Low < first.Difference && first.Difference < first.High);

        var thin = EffectAnalysis.Estimate(OutcomeMetric.DaysLate, "B", a, [3.0], seed: 1);
        Assert.False(thin.Decisive);
        Assert.Contains("not enough customers", thin.Verdict, StringComparison.Ordinal);
    }
}
