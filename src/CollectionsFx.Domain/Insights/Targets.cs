using System.Globalization;

namespace CollectionsFx.Domain.Insights;

/// <summary>A KPI that can have a target: how to read it from <see cref="KpiValues"/> and which direction is better.</summary>
public sealed record TargetKpi(string Name, string Unit, bool LowerIsBetter, Func<KpiValues, decimal?> Read)
{
    /// <summary>The KPIs targets can be set for, by API name.</summary>
    public static readonly IReadOnlyDictionary<string, TargetKpi> All = new[]
    {
        new TargetKpi("dsoCountback", "days", true, v => v.DsoCountback),
        new TargetKpi("dsoStandard", "days", true, v => v.DsoStandard),
        new TargetKpi("averageDaysDelinquent", "days", true, v => v.AverageDaysDelinquent),
        new TargetKpi("cei", "%", false, v => v.Cei),
        new TargetKpi("percentCurrent", "%", false, v => v.PercentCurrent),
        new TargetKpi("averageDaysLate", "days", true, v => v.AverageDaysLate),
        new TargetKpi("promiseKeptRate", "%", false, v => v.Promises.KeptRate),
        new TargetKpi("costPerCustomer", "money", true, v => v.CostPerCustomer),
    }.ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>True when <paramref name="value"/> is at least as good as <paramref name="target"/>.</summary>
    public bool Meets(decimal value, decimal target) => LowerIsBetter ? value <= target : value >= target;
}

/// <summary>A suggested target for one group, the gap to it, the money the gap represents, and why.</summary>
public sealed record TargetSuggestion(
    string Kpi, string Group, decimal? Current, decimal? Suggested, decimal? OwnBestQuartile, string? BestGroup, decimal? BestGroupMedian,
    decimal? Gap, decimal? MoneyAtStake, string Explanation);

/// <summary>
/// "Intelligent" targets: each group's best quartile of its own last months, capped by the median of the best comparable
/// group (a target no peer reaches is not a target). The gap is valued in cash: DSO days × daily credit sales for DSO-type
/// KPIs, the collectible base × points for CEI, total AR × points for % current.
/// </summary>
public static class TargetSuggestions
{
    /// <summary>Suggests targets for <paramref name="kpi"/> from a monthly trend per group (oldest first; the last point is "now").</summary>
    public static IReadOnlyList<TargetSuggestion> Suggest(TargetKpi kpi, IReadOnlyList<KpiTrendPoint> trend, string currency)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        ArgumentNullException.ThrowIfNull(trend);
        if (trend.Count == 0)
        {
            return [];
        }

        var groups = trend.SelectMany(p => p.Groups.Select(g => g.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var history = groups.ToDictionary(
            g => g,
            g => trend.Select(p => p.Groups.FirstOrDefault(x => x.Key == g)?.Values).OfType<KpiValues>().Select(kpi.Read).OfType<decimal>().ToList(),
            StringComparer.Ordinal);
        var medians = history.Where(h => h.Value.Count > 0).ToDictionary(h => h.Key, h => Quantile(h.Value, 0.5), StringComparer.Ordinal);
        var best = medians.Count == 0 ? (KeyValuePair<string, decimal>?)null
            : kpi.LowerIsBetter ? medians.MinBy(m => m.Value) : medians.MaxBy(m => m.Value);
        var latest = trend[^1];
        var result = new List<TargetSuggestion>();
        foreach (var g in groups)
        {
            var now = latest.Groups.FirstOrDefault(x => x.Key == g)?.Values;
            var current = now is null ? null : kpi.Read(now);
            var values = history[g];
            if (values.Count == 0 || best is null)
            {
                result.Add(new TargetSuggestion(kpi.Name, g, current, null, null, null, null, null, null, $"{g}: no {kpi.Name} history in the last {trend.Count} months, so no suggestion."));
                continue;
            }

            var own = Quantile(values, kpi.LowerIsBetter ? 0.25 : 0.75);
            var cap = best.Value.Value;
            var suggested = Math.Round(kpi.LowerIsBetter ? Math.Max(own, cap) : Math.Min(own, cap), 2);
            decimal? gap = current is { } c ? Math.Round(kpi.LowerIsBetter ? c - suggested : suggested - c, 2) : null;
            var money = gap is > 0 && now is not null ? Money(kpi, now, gap.Value) : null;
            result.Add(new TargetSuggestion(kpi.Name, g, current, suggested, Math.Round(own, 2), best.Value.Key, Math.Round(cap, 2), gap, money,
                Explain(kpi, g, values, own, best.Value, suggested, current, gap, money, currency)));
        }

        return result;
    }

    /// <summary>Cash the gap represents, in the reporting currency, or null when the KPI has no cash reading.</summary>
    private static decimal? Money(TargetKpi kpi, KpiValues now, decimal gap)
    {
        switch (kpi.Name)
        {
            case "dsoCountback" or "dsoStandard" or "averageDaysDelinquent" when now.DsoStandard is { } dso && dso > 0:
                // Daily credit sales = total AR ÷ standard DSO (the standard DSO's own definition, inverted).
                return Math.Round(gap * (now.TotalAr / dso), 2);
            case "cei" when now.Cei is not null:
                return Math.Round(gap / 100m * now.TotalAr, 2);
            case "percentCurrent":
                return Math.Round(gap / 100m * now.TotalAr, 2);
            default:
                return null;
        }
    }

    private static string Explain(TargetKpi kpi, string group, List<decimal> values, decimal own, KeyValuePair<string, decimal> best, decimal suggested, decimal? current, decimal? gap, decimal? money, string currency)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(decimal v) => v.ToString("#,##0.##", inv) + (kpi.Unit == "days" ? " days" : kpi.Unit == "%" ? "%" : " " + currency);
        var text = $"{group}: {kpi.Name} ranged {F(values.Min())} to {F(values.Max())} over the last {values.Count} months; its best quarter is {F(own)}. "
            + $"The best comparable group ({best.Key}) has a median of {F(best.Value)}, "
            + (suggested == Math.Round(own, 2) ? "so the group's own best quarter is the target: " : "which caps the suggestion: ")
            + $"{F(suggested)}.";
        if (current is { } c)
        {
            text += gap > 0
                ? $" Today it is {F(c)}, {F(gap.Value)} from target" + (money is { } m ? $"; closing the gap is worth about {m.ToString("#,##0", inv)} {currency} of cash." : ".")
                : $" Today it is {F(c)}: the target is met.";
        }

        return text;
    }

    private static decimal Quantile(List<decimal> values, double q)
    {
        var sorted = values.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (decimal)(position - lower));
    }
}
