using CollectionsFx.Contracts;
using CollectionsFx.Domain.Insights;

namespace CollectionsFx.Web.Tests;

/// <summary>API records as the API would send them, small and readable.</summary>
internal static class Fixtures
{
    public static KpiValues Values(decimal? dso = null, decimal? cei = null, decimal overdue = 0m, decimal? costPerCustomer = null, decimal? percentCurrent = null, DateOnly? asOf = null)
    {
        var date = asOf ?? new DateOnly(2026, 11, 30);
        return new KpiValues(
            date, new KpiPeriod(new DateOnly(date.Year, date.Month, 1), date), "EUR", 10, 8, 1_000m, 1_000m - overdue, overdue, 500m,
            dso, false, dso, null, null, cei, null, null, percentCurrent, new AgingBuckets(1_000m - overdue, overdue, 0, 0, 0, 0),
            new PromiseRates(0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null, null, null), 0m, costPerCustomer, []);
    }

    public static KpiResponse Kpis(KpiValues all, IReadOnlyDictionary<string, TargetStatus>? targets = null) =>
        new(all.AsOf, all.Period, KpiGroupBy.None, "EUR", new SnapshotInfo(1, DateTimeOffset.UnixEpoch, 100),
            KpiFormulas.All, [new KpiGroupView("all", all, targets ?? new Dictionary<string, TargetStatus>())]);

    public static KpiTrendResponse Trend(params (string Month, KpiValues Values)[] points) =>
        new(points[^1].Values.AsOf, points.Length, KpiGroupBy.None, "EUR", new SnapshotInfo(1, DateTimeOffset.UnixEpoch, 100),
            [.. points.Select(p => new KpiTrendPoint(p.Month, p.Values.AsOf, [new KpiGroup("all", p.Values)]))]);
}
