using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using static CollectionsFx.Domain.Tests.Insights.Ar;

namespace CollectionsFx.Domain.Tests.Insights;

public sealed class KpiCalculatorTests
{
    public static TheoryData<decimal, (decimal, int)[], decimal, bool> CountbackCases => new()
    {
        // DOMAIN.md §3 worked example: 30 + 30 + 32/70 × 30.
        { 212_000m, [(100_000m, 30), (80_000m, 30), (70_000m, 30)], 73.71m, false },
        { 100_000m, [(100_000m, 30), (50_000m, 30)], 30m, false },
        { 50_000m, [(100_000m, 30)], 15m, false },
        // A month with no credit sales adds its days.
        { 150_000m, [(100_000m, 30), (0m, 31), (100_000m, 30)], 76m, false },
        // AR larger than all history's sales: the days counted are a lower bound.
        { 300_000m, [(100_000m, 30), (0m, 31), (80_000m, 30)], 91m, true },
        { 0m, [(100_000m, 30)], 0m, false },
        { -500m, [(100_000m, 30)], 0m, false },
    };

    [Theory]
    [MemberData(nameof(CountbackCases))]
    public void Countback_follows_the_published_formula(decimal ar, (decimal, int)[] months, decimal expected, bool lowerBound)
    {
        var (days, isLowerBound) = KpiCalculator.Countback(ar, months);

        Assert.Equal(expected, Math.Round(days, 2));
        Assert.Equal(lowerBound, isLowerBound);
    }

    private static Ar ThreeMonths() => new Ar().Customer("C1")
        .Invoice("I1", "2026-01-10", "2026-02-09", 70_000m)
        .Invoice("I2", "2026-02-10", "2026-03-12", 80_000m)
        .Invoice("I3", "2026-03-10", "2026-04-09", 100_000m)
        .Pay("P1", "2026-02-20", 38_000m, allocations: ("I1", 38_000m))
        .Pay("P2", "2026-03-15", 80_000m, allocations: ("I2", 80_000m));

    [Fact]
    public void Month_end_kpis_on_calendar_months_match_a_hand_computation()
    {
        var k = ThreeMonths().Kpis("2026-03-31");

        Assert.Equal(132_000m, k.TotalAr);
        Assert.Equal(100_000m, k.CurrentAr);
        Assert.Equal(32_000m, k.OverdueAr);
        Assert.Equal(100_000m, k.CreditSales);
        Assert.Equal(42.20m, k.DsoCountback); // 132k − 100k (31 days), 32k/80k × 28 days
        Assert.False(k.DsoCountbackIsLowerBound);
        Assert.Equal(47.52m, k.DsoStandard); // 132k / 250k × 90 days
        Assert.Equal(36.00m, k.BestPossibleDso); // 100k / 250k × 90
        Assert.Equal(11.52m, k.AverageDaysDelinquent);
        Assert.Equal(71.43m, k.Cei); // (112k + 100k − 132k) / (112k + 100k − 100k)
        Assert.Equal(75.76m, k.PercentCurrent);
        Assert.Equal(33m, k.AverageDaysToPay); // I2: 10 Feb → 15 Mar
        Assert.Equal(3m, k.AverageDaysLate); // due 12 Mar
        Assert.Equal(new AgingBuckets(100_000m, 0m, 32_000m, 0m, 0m, 0m), k.Aging);
    }

    [Fact]
    public void Days_to_pay_and_days_late_are_weighted_by_amount_and_late_may_be_negative()
    {
        var k = new Ar().Customer("C1")
            .Invoice("I1", "2026-02-01", "2026-03-03", 1_000m)
            .Invoice("I2", "2026-02-01", "2026-03-03", 3_000m)
            .Pay("P1", "2026-03-01", 1_000m, allocations: ("I1", 1_000m)) // 28 days, 2 early
            .Pay("P2", "2026-03-13", 3_000m, allocations: ("I2", 3_000m)) // 40 days, 10 late
            .Kpis("2026-03-31");

        Assert.Equal(37m, k.AverageDaysToPay); // (1000×28 + 3000×40) / 4000
        Assert.Equal(7m, k.AverageDaysLate); // (1000×−2 + 3000×10) / 4000
    }

    [Theory]
    [InlineData("2026-03-31", "Current")] // due today is not overdue
    [InlineData("2026-04-01", "1-30")]
    [InlineData("2026-04-30", "1-30")]
    [InlineData("2026-05-01", "31-60")]
    [InlineData("2026-05-30", "31-60")]
    [InlineData("2026-05-31", "61-90")]
    [InlineData("2026-06-29", "61-90")]
    [InlineData("2026-06-30", "91+")]
    public void Aging_buckets_count_days_past_the_due_date(string asOf, string bucket)
    {
        var book = new Ar().Customer("C1").Invoice("I1", "2026-03-01", "2026-03-31", 500m).Book();

        var a = KpiCalculator.Aging(book.Accounts, D(asOf));

        var buckets = new Dictionary<string, decimal>
        {
            ["Current"] = a.Current, ["1-30"] = a.Days1To30, ["31-60"] = a.Days31To60, ["61-90"] = a.Days61To90, ["91+"] = a.Days91Plus,
        };
        Assert.Equal(500m, buckets[bucket]);
        Assert.Equal(500m, a.Total);
    }

    [Fact]
    public void Months_without_credit_sales_add_their_days_and_leave_the_standard_dso_undefined()
    {
        var k = new Ar().Customer("C1").Invoice("I1", "2026-01-10", "2026-02-09", 60_000m).Kpis("2026-06-30");

        // June, May, April, March, February have no sales (30+31+30+31+28), January's 60k covers the rest exactly (31).
        Assert.Equal(181m, k.DsoCountback);
        Assert.Null(k.DsoStandard);
        Assert.Null(k.BestPossibleDso);
        Assert.Null(k.AverageDaysDelinquent);
        Assert.Equal(0m, k.CreditSales);
    }

    [Theory]
    [InlineData(1_500, 1_000, -500)] // unapplied cash
    [InlineData(1_200, 1_200, -200)] // overpaid invoice
    public void Credit_balances_reduce_total_ar_and_sit_in_the_credits_bucket(int paid, int allocated, int expectedAr)
    {
        var k = new Ar().Customer("C1")
            .Invoice("I1", "2026-03-01", "2026-03-31", 1_000m)
            .Pay("P1", "2026-03-10", paid, allocations: ("I1", allocated))
            .Kpis("2026-03-31");

        Assert.Equal(expectedAr, k.TotalAr);
        Assert.Equal(expectedAr, k.Aging.Credits);
        Assert.Equal(0m, k.DsoCountback);
        Assert.Null(k.PercentCurrent);
        Assert.Equal(0, k.CustomersWithOpenAr);
    }

    [Fact]
    public void Cancelled_invoices_are_neither_sales_nor_ar()
    {
        var k = new Ar().Customer("C1")
            .Invoice("I1", "2026-03-01", "2026-03-31", 1_000m)
            .Invoice("I2", "2026-03-02", "2026-04-01", 5_000m, cancelled: true)
            .Kpis("2026-03-31");

        Assert.Equal(1_000m, k.CreditSales);
        Assert.Equal(1_000m, k.TotalAr);
    }

    [Fact]
    public void Cei_is_undefined_when_nothing_was_collectible()
    {
        var k = new Ar().Customer("C1").Kpis("2026-03-31");

        Assert.Null(k.Cei);
        Assert.Equal(0m, k.TotalAr);
    }

    [Fact]
    public void Promise_rates_evaluate_promises_whose_deadline_passed_by_count_and_amount()
    {
        var k = new Ar().Customer("C1")
            .Invoice("I1", "2026-02-01", "2026-03-01", 1_000m)
            .Invoice("I2", "2026-02-01", "2026-03-01", 1_000m)
            .Invoice("I3", "2026-02-01", "2026-03-01", 1_000m)
            .Invoice("I4", "2026-02-01", "2026-03-01", 1_000m)
            .Pay("P0", "2026-02-28", 300m, allocations: ("I3", 300m)) // before P3 was made: does not count
            .Promise("PR1", "2026-03-01", "2026-03-10", 100m, 2, "I1")
            .Pay("P1", "2026-03-12", 100m, allocations: ("I1", 100m)) // on the last tolerated day: kept
            .Promise("PR2", "2026-03-01", "2026-03-15", 200m, 0, "I2")
            .Pay("P2", "2026-03-15", 50m, allocations: ("I2", 50m)) // partially kept
            .Promise("PR3", "2026-03-01", "2026-03-20", 300m, 2, "I3") // broken
            .Promise("PR4", "2026-03-01", "2026-03-30", 400m, 2, "I4") // deadline 1 April: not evaluated in March
            .Kpis("2026-03-31");

        var p = k.Promises;
        Assert.Equal((3, 1, 1, 1), (p.Evaluated, p.Kept, p.PartiallyKept, p.Broken));
        Assert.Equal((33.33m, 33.33m, 33.33m), (p.KeptRate!.Value, p.PartiallyKeptRate!.Value, p.BrokenRate!.Value));
        Assert.Equal(600m, p.EvaluatedAmount);
        Assert.Equal((16.67m, 33.33m, 50.00m), (p.KeptAmountRate!.Value, p.PartiallyKeptAmountRate!.Value, p.BrokenAmountRate!.Value));
    }

    [Theory]
    [InlineData(0, 20.00)]
    [InlineData(1, 20.50)]
    public void Cost_per_customer_divides_the_periods_action_costs_by_customers_with_open_ar(int automatedEmailCost, decimal expected)
    {
        var ar = new Ar().Customer("C1").Customer("C2").Customer("C3")
            .Invoice("I1", "2026-03-01", "2026-03-31", 100m, "C1")
            .Invoice("I2", "2026-03-01", "2026-03-31", 100m, "C2")
            .Invoice("I3", "2026-03-01", "2026-03-31", 100m, "C3")
            .Pay("P3", "2026-03-05", 100m, "C3", allocations: ("I3", 100m))
            .Action("A1", Noon(D("2026-03-10")), ActionKind.Email)
            .Action("A2", Noon(D("2026-03-11")), ActionKind.Call)
            .Action("A3", Noon(D("2026-03-12")), ActionKind.Email, automated: true)
            .Action("A4", Noon(D("2026-03-13")), ActionKind.CrmEscalation, customer: "C2")
            .Action("A5", Noon(D("2026-02-27")), ActionKind.Call); // February
        var costs = CostModel.Default with { Automated = new Dictionary<ActionKind, decimal> { [ActionKind.Email] = automatedEmailCost } };

        var k = ar.Kpis("2026-03-31", costs: costs);

        Assert.Equal(2, k.CustomersWithOpenAr);
        Assert.Equal(40m + automatedEmailCost, k.CollectionCost); // 5 + 15 + 20 (+ automation)
        Assert.Equal(expected, k.CostPerCustomer);
    }

    [Fact]
    public void Dunning_effectiveness_is_the_share_of_dunned_amount_cleared_within_14_days()
    {
        var k = new Ar().Customer("C1")
            .Invoice("I1", "2026-01-01", "2026-02-01", 1_000m)
            .Invoice("I2", "2026-01-10", "2026-02-10", 500m)
            .Action("N1", Noon(D("2026-03-01")), ActionKind.Email, automated: true, level: 1, invoices: ["I1", "I2"])
            .Pay("P1", "2026-03-10", 600m, allocations: ("I1", 600m)) // within 14 days
            .Pay("P2", "2026-03-20", 500m, allocations: ("I2", 500m)) // 19 days later: too late
            .Action("N2", Noon(D("2026-03-25")), ActionKind.Email, automated: true, level: 2, invoices: ["I1"]) // window not over
            .Kpis("2026-03-31");

        var l1 = k.Dunning.Single(d => d.Level == 1);
        Assert.Equal((1, 1_500m, 600m, 40.00m), (l1.Notices, l1.DunnedAmount, l1.ClearedAmount, l1.Share!.Value));
        Assert.Equal(Activities.SendReminderL1, l1.Activity);
        var l2 = k.Dunning.Single(d => d.Level == 2);
        Assert.Equal(0, l2.Notices);
        Assert.Null(l2.Share);
    }

    [Fact]
    public void Grouping_splits_accounts_by_dimension_and_the_groups_add_up()
    {
        var book = new Ar()
            .Customer("C1", Segment.Strategic).Customer("C2", Segment.Smb).Customer("C3", Segment.Smb)
            .Invoice("I1", "2026-03-01", "2026-03-31", 100m, "C1")
            .Invoice("I2", "2026-03-01", "2026-03-31", 200m, "C2")
            .Invoice("I3", "2026-03-01", "2026-03-31", 400m, "C3")
            .Invoice("I4", "2026-03-01", "2026-03-31", 800m, "C9") // no customer record
            .Book();

        var report = KpiCalculator.Report(book, D("2026-03-31"), KpiPeriod.MonthOf(D("2026-03-31")), KpiGroupBy.Segment, CostModel.Default);

        Assert.Equal(["(unassigned)", "Smb", "Strategic"], report.Groups.Select(g => g.Key));
        Assert.Equal([800m, 600m, 100m], report.Groups.Select(g => g.Values.TotalAr));
        var all = KpiCalculator.Report(book, D("2026-03-31"), KpiPeriod.MonthOf(D("2026-03-31")), KpiGroupBy.None, CostModel.Default);
        Assert.Equal(report.Groups.Sum(g => g.Values.TotalAr), all.Groups.Single().Values.TotalAr);
    }

    [Fact]
    public void A_period_after_the_as_of_date_is_refused()
    {
        var book = new Ar().Customer("C1").Book();

        var e = Assert.Throws<ArgumentException>(() =>
            KpiCalculator.Compute(book, book.Accounts, D("2026-03-31"), KpiPeriod.MonthOf(D("2026-04-15")), CostModel.Default));
        Assert.Contains("2026-04-01", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-03", "2026-03-01", "2026-03-31")]
    [InlineData("2024-02", "2024-02-01", "2024-02-29")]
    [InlineData("2026-01-15..2026-02-14", "2026-01-15", "2026-02-14")]
    [InlineData("2026-13", null, null)]
    [InlineData("2026-02-14..2026-01-15", null, null)]
    [InlineData("March", null, null)]
    public void Periods_parse_months_and_ranges(string text, string? start, string? end)
    {
        var p = KpiPeriod.TryParse(text);

        Assert.Equal(start, p?.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(end, p?.End.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }
}
