using CollectionsFx.Domain.Insights;
using static CollectionsFx.Domain.Tests.Insights.Ar;

namespace CollectionsFx.Domain.Tests.Insights;

public sealed class TargetSuggestionTests
{
    private static KpiValues Values(decimal dso, decimal cei, decimal totalAr) => new(
        D("2026-03-31"), KpiPeriod.MonthOf(D("2026-03-31")), "EUR", 1, 1, totalAr, 0m, totalAr, 0m,
        dso, false, dso, 0m, dso, cei, null, null, 0m,
        new AgingBuckets(0, 0, 0, 0, 0, 0), new PromiseRates(0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null, null, null), 0m, null, []);

    private static List<KpiTrendPoint> Trend(decimal[] dsoA, decimal[] dsoB, decimal[] ceiA, decimal[] ceiB) =>
        Enumerable.Range(0, dsoA.Length).Select(m => new KpiTrendPoint(
            $"2025-{m + 10:00}", D("2026-03-31"),
            [new KpiGroup("A", Values(dsoA[m], ceiA[m], dsoA[m] * 10_000m)), new KpiGroup("B", Values(dsoB[m], ceiB[m], dsoB[m] * 10_000m))])).ToList();

    private static readonly List<KpiTrendPoint> History = Trend(
        [60, 58, 55, 50, 52, 57], [40, 42, 45, 41, 43, 44], [70, 75, 80, 72, 78, 74], [90, 88, 92, 85, 91, 89]);

    [Fact]
    public void A_lower_is_better_kpi_gets_the_groups_best_quartile_capped_by_the_best_groups_median_and_the_gap_is_valued_in_cash()
    {
        var s = TargetSuggestions.Suggest(TargetKpi.All["dsoCountback"], History, "EUR");

        var a = s.Single(x => x.Group == "A");
        Assert.Equal((57m, 52.75m, 52.75m, "B", 42.5m, 4.25m), (a.Current!.Value, a.Suggested!.Value, a.OwnBestQuartile!.Value, a.BestGroup!, a.BestGroupMedian!.Value, a.Gap!.Value));
        Assert.Equal(42_500m, a.MoneyAtStake); // 4.25 days × 10,000 EUR of daily credit sales
        Assert.Contains("best quarter is 52.75 days", a.Explanation, StringComparison.Ordinal);
        Assert.Contains("42,500 EUR", a.Explanation, StringComparison.Ordinal);

        var b = s.Single(x => x.Group == "B");
        Assert.Equal((42.5m, 1.5m), (b.Suggested!.Value, b.Gap!.Value)); // its own best quarter (41.25) is capped at the best median
        Assert.Contains("caps the suggestion", b.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_higher_is_better_kpi_uses_the_upper_quartile()
    {
        var a = TargetSuggestions.Suggest(TargetKpi.All["cei"], History, "EUR").Single(x => x.Group == "A");

        Assert.Equal((74m, 77.25m, 89.5m, 3.25m), (a.Current!.Value, a.Suggested!.Value, a.BestGroupMedian!.Value, a.Gap!.Value));
        Assert.Equal(18_525m, a.MoneyAtStake); // 3.25% of 570,000 total AR
    }

    [Fact]
    public void A_met_target_has_no_money_at_stake()
    {
        var flat = Trend([50, 50, 50], [50, 50, 50], [80, 80, 80], [80, 80, 80]);

        var a = TargetSuggestions.Suggest(TargetKpi.All["dsoCountback"], flat, "EUR").Single(x => x.Group == "A");

        Assert.Equal(0m, a.Gap);
        Assert.Null(a.MoneyAtStake);
        Assert.Contains("the target is met", a.Explanation, StringComparison.Ordinal);
    }
}
