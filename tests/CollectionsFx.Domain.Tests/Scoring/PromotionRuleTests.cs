using CollectionsFx.Domain.Scoring;

namespace CollectionsFx.Domain.Tests.Scoring;

public sealed class PromotionRuleTests
{
    private static ModelCard Card(double auc, double calibrationError, int testRows = 10_000) => new(
        "v2", DateTimeOffset.UnixEpoch, "FastTree", new DateOnly(2024, 1, 1), new DateOnly(2025, 12, 31), new DateOnly(2025, 6, 1), 1000, testRows, 5,
        ["PriorLateShare"], auc, 0.4, 0.12, calibrationError);

    [Theory]
    [InlineData(0.900, 0.02, null, true, "first model")]
    [InlineData(0.900, 0.02, 0.903, true, "promoted")] // 0.003 worse: within tolerance
    [InlineData(0.900, 0.02, 0.905, true, "promoted")] // exactly 0.005 worse
    [InlineData(0.900, 0.02, 0.9051, false, "worse than the current model")]
    [InlineData(0.950, 0.06, 0.900, false, "calibration error")]
    [InlineData(double.NaN, 0.01, 0.900, false, "undefined")]
    public void A_model_is_promoted_only_if_not_worse_by_more_than_the_tolerance_and_calibrated(double auc, double calibrationError, double? current, bool promote, string reason)
    {
        var decision = PromotionRule.Decide(Card(auc, calibrationError), current);

        Assert.Equal(promote, decision.Promote);
        Assert.Contains(reason, decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, 0.08, true)] // within the noise of 300 rows (bound 0.092)
    [InlineData(300, 0.10, false)]
    [InlineData(10_000, 0.06, false)] // enough rows: the 0.05 bound holds
    [InlineData(10_000, 0.04, true)]
    public void The_calibration_bound_allows_for_the_noise_of_a_small_test_window(int testRows, double calibrationError, bool promote)
    {
        var decision = PromotionRule.Decide(Card(0.9, calibrationError, testRows), null);

        Assert.Equal(promote, decision.Promote);
        Assert.Contains(promote ? "promoted" : "calibration error", decision.Reason, StringComparison.Ordinal);
    }
}

public sealed class ExplanationTests
{
    private static InvoiceFeatures F(float late = 0.5f, float settled = 6, float cold = 0, float daysToDue = -12) => new()
    {
        InvoiceId = "I1", CustomerId = "C1", AsOf = new DateOnly(2026, 3, 1), Country = "DE", Segment = "Smb",
        PriorLateShare = late, PriorSettled = settled, ColdStart = cold, DaysToDue = daysToDue, PriorMeanDaysLate = 7, AmountVsMean = 2.5f,
    };

    [Theory]
    [InlineData(nameof(InvoiceFeatures.PriorLateShare), "3 of the last 6 invoices were paid late")]
    [InlineData(nameof(InvoiceFeatures.DaysToDue), "12 days overdue")]
    [InlineData(nameof(InvoiceFeatures.PriorMeanDaysLate), "pays on average 7 days after the due date")]
    [InlineData(nameof(InvoiceFeatures.AmountVsMean), "amount is 2.5× the customer's usual invoice")]
    [InlineData(nameof(InvoiceFeatures.Country), "customer in DE")]
    public void Features_are_described_in_plain_words(string feature, string words) =>
        Assert.Equal(words, Explanations.Describe(feature, F()));

    [Fact]
    public void A_new_customer_is_explained_as_such()
    {
        Assert.Equal("new customer: no payment history yet", Explanations.Describe(nameof(InvoiceFeatures.PriorLateShare), F(cold: 1, settled: 0)));
    }

    [Fact]
    public void The_three_largest_contributions_become_reasons_with_their_direction_and_one_hot_slots_add_up()
    {
        (string, double)[] contributions = [("DaysToDue", -0.4), ("PriorLateShare", -0.9), ("Country", 0.1), ("Country", 0.3), ("TermsDays", 0.05)];

        var reasons = Explanations.Top(contributions, F());

        Assert.Equal(["lowers: 3 of the last 6 invoices were paid late", "lowers: 12 days overdue", "raises: customer in DE"], reasons.Select(r => r.Text));
        Assert.Equal(0.4, reasons[2].Contribution, 9);
    }
}

public sealed class CustomerRiskTests
{
    private static readonly DateOnly AsOf = new(2026, 3, 1);

    [Fact]
    public void The_customer_band_is_that_of_its_amount_weighted_likelihood_and_value_at_stake_counts_overdue_and_due_soon()
    {
        ScoredInvoice[] invoices =
        [
            new("I1", new DateOnly(2026, 2, 1), 1_000m, 0.2), // overdue: 800 at stake
            new("I2", new DateOnly(2026, 3, 15), 3_000m, 0.9), // due in 14 days: 300 at stake
            new("I3", new DateOnly(2026, 3, 16), 6_000m, 0.9), // due in 15 days: not counted
            new("I4", new DateOnly(2026, 1, 1), 0m, 0.1), // paid
        ];

        var risk = CustomerRiskCalculator.Of("C1", invoices, AsOf);

        Assert.Equal(0.83, risk.Likelihood, 9); // (200 + 2,700 + 5,400) / 10,000
        Assert.Equal("low", risk.RiskBand);
        Assert.Equal(1_100m, risk.ValueAtStake);
        Assert.Equal(1_000m, risk.OverdueAmount);
    }

    [Theory]
    [InlineData(10f, "2026-03-25", "2026-04-04")]
    [InlineData(-5f, "2026-03-25", "2026-03-20")]
    [InlineData(30f, "2026-01-10", "2026-03-02")] // would be 9 Feb: already past, so tomorrow
    public void The_expected_pay_date_moves_the_due_date_by_the_customers_habit(float meanDaysLate, string due, string expected)
    {
        var f = new InvoiceFeatures { InvoiceId = "I1", CustomerId = "C1", AsOf = AsOf, Country = "DE", Segment = "Smb", PriorMeanDaysLate = meanDaysLate };

        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), CustomerRiskCalculator.ExpectedPayDate(f, DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture)));
    }
}

public sealed class ScoreDistributionTests
{
    [Fact]
    public void Likelihoods_fall_in_tenth_bins_and_bands_and_batches_add_up()
    {
        var a = ScoreDistribution.Of([0.0, 0.05, 0.49, 0.5, 0.79, 0.8, 1.0]);
        var b = ScoreDistribution.Of([0.95]);

        Assert.Equal([2, 0, 0, 0, 1, 1, 0, 1, 1, 1], a.Bins);
        Assert.Equal((2 + 1, 2, 2), (a.High, a.Medium, a.Low)); // 0, 0.05, 0.49 high; 0.5, 0.79 medium; 0.8, 1.0 low
        var sum = ScoreDistribution.Sum([a, b, ScoreDistribution.Empty]);
        Assert.Equal(8, sum.Count);
        Assert.Equal(2, sum.Bins[9]);
        Assert.Equal((0.0 + 0.05 + 0.49 + 0.5 + 0.79 + 0.8 + 1.0 + 0.95) / 8, sum.Mean, 12);
    }

    [Theory]
    [InlineData(new[] { 10, 10, 10, 10, 10, 10, 10, 10, 10, 10 }, new[] { 10, 10, 10, 10, 10, 10, 10, 10, 10, 10 }, 0.0, "stable")]
    [InlineData(new[] { 10, 10, 10, 10, 10, 10, 10, 10, 10, 10 }, new[] { 20, 20, 20, 20, 20, 20, 20, 20, 20, 20 }, 0.0, "stable")]
    [InlineData(new[] { 50, 50, 0, 0, 0, 0, 0, 0, 0, 0 }, new[] { 60, 40, 0, 0, 0, 0, 0, 0, 0, 0 }, 0.0405, "stable")]
    [InlineData(new[] { 50, 50, 0, 0, 0, 0, 0, 0, 0, 0 }, new[] { 80, 20, 0, 0, 0, 0, 0, 0, 0, 0 }, 0.4159, "major shift")]
    public void Psi_compares_bin_shares(int[] previous, int[] current, double psi, string verdict)
    {
        static ScoreDistribution D(int[] bins) => new(bins, 0, bins.Sum(), 0, 0.5);

        var shift = ScoreShift.Between("scoring-2026-12-03", D(previous), D(current));

        Assert.Equal(psi, shift.Psi, 4);
        Assert.StartsWith(verdict, shift.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Band_shares_move_in_percentage_points()
    {
        var shift = ScoreShift.Between("r", new ScoreDistribution(new int[10], 50, 30, 20, 0.7), new ScoreDistribution(new int[10], 40, 30, 30, 0.6));

        Assert.Equal((-10.0, 0.0, 10.0), (Math.Round(shift.LowShareChange, 9), Math.Round(shift.MediumShareChange, 9), Math.Round(shift.HighShareChange, 9)));
        Assert.Equal(-0.1, shift.MeanChange, 9);
    }
}
