using CollectionsFx.Contracts;
using CollectionsFx.Domain.Insights;

namespace CollectionsFx.Web.Services;

/// <summary>A KPI the views show as a tile: how to read it from <see cref="KpiValues"/>, its unit, which way is better.</summary>
public sealed record KpiSpec(string Kpi, string Label, string Unit, bool LowerIsBetter, Func<KpiValues, decimal?> Read)
{
    /// <summary>The CFO's five: DSO (countback), CEI, cost of collections per customer, % current, overdue AR.</summary>
    public static readonly IReadOnlyList<KpiSpec> ControlCenter =
    [
        From("dsoCountback", "DSO (countback)"),
        From("cei", "CEI"),
        From("costPerCustomer", "Cost of collections per customer"),
        From("percentCurrent", "% current"),
        new("overdueAr", "Overdue AR", "money", true, v => v.OverdueAr),
    ];

    /// <summary>The team KPIs of the finance leaders' view.</summary>
    public static readonly IReadOnlyList<KpiSpec> Team =
    [
        From("dsoCountback", "DSO (countback)"),
        From("cei", "CEI"),
        From("averageDaysLate", "Average days late"),
        From("percentCurrent", "% current"),
        From("promiseKeptRate", "Promise kept rate"),
        From("costPerCustomer", "Cost per customer"),
    ];

    /// <summary>Every KPI a tile can show, by name.</summary>
    public static readonly IReadOnlyDictionary<string, KpiSpec> ByName =
        ControlCenter.Concat(Team).Concat(TargetKpi.All.Keys.Select(From)).DistinctBy(s => s.Kpi).ToDictionary(s => s.Kpi, StringComparer.Ordinal);

    private static KpiSpec From(string kpi)
    {
        var t = TargetKpi.All[kpi];
        return new KpiSpec(kpi, kpi, t.Unit, t.LowerIsBetter, t.Read);
    }

    private static KpiSpec From(string kpi, string label) => From(kpi) with { Label = label };

    /// <summary>A value in the KPI's unit, e.g. "47.3 days", "82.1%", "1,234 EUR".</summary>
    public string Show(decimal? value, string currency) => value is not { } v ? "–" : Unit switch
    {
        "days" => Format.Number(v, " days"),
        "%" => Format.Number(v, "%"),
        _ => Format.Money(v, currency),
    };
}

/// <summary>One tile: the value now, last month's, the trend, the target and whether it is met, the formula behind it.</summary>
public sealed record KpiTile(
    KpiSpec Spec, decimal? Value, decimal? Previous, IReadOnlyList<decimal?> Trend, IReadOnlyList<string> Months, TargetStatus? Target, string Formula)
{
    /// <summary>True when the value moved the good way since last month; null when it cannot be told.</summary>
    public bool? Improved => Value is { } v && Previous is { } p && v != p ? (Spec.LowerIsBetter ? v < p : v > p) : null;

    /// <summary>The change since last month in words, e.g. "▼ 3.2 days vs Oct".</summary>
    public string Change(string currency) => Value is { } v && Previous is { } p
        ? $"{(v >= p ? "▲" : "▼")} {Spec.Show(Math.Abs(v - p), currency)} vs {MonthName(Months.Count > 1 ? Months[^2] : "")}"
        : "no earlier month";

    private static string MonthName(string month) =>
        DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", out var d) ? d.ToString("MMM yyyy", System.Globalization.CultureInfo.InvariantCulture) : month;

    /// <summary>
    /// The tiles of <paramref name="specs"/> for group <paramref name="key"/>: value from the KPI report, trend and previous month
    /// from the monthly trend (each month as it stood at its end), the group's target, the published formula.
    /// </summary>
    public static IReadOnlyList<KpiTile> Build(IEnumerable<KpiSpec> specs, KpiResponse kpis, KpiTrendResponse trend, string key = "all")
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(kpis);
        ArgumentNullException.ThrowIfNull(trend);
        var group = kpis.Groups.FirstOrDefault(g => g.Key == key);
        var months = trend.Points.Select(p => p.Month).ToList();
        return specs.Select(spec =>
        {
            var series = trend.Points.Select(p => p.Groups.FirstOrDefault(g => g.Key == key) is { } g ? spec.Read(g.Values) : null).ToList();
            var previous = series.Count > 1 ? series[^2] : null;
            return new KpiTile(
                spec, group is null ? null : spec.Read(group.Values), previous, series, months,
                group?.Targets.GetValueOrDefault(spec.Kpi), kpis.Formulas.GetValueOrDefault(spec.Kpi) ?? FormulaOf(spec.Kpi));
        }).ToList();
    }

    private static string FormulaOf(string kpi) => kpi switch
    {
        "overdueAr" => "Σ open amount of invoices with today > due date (due today is not overdue), in the reporting currency; unapplied credit not deducted.",
        _ => "",
    };
}
