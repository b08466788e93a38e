using CollectionsFx.Contracts;
using CollectionsFx.Domain.Forecast;
using CollectionsFx.Domain.Insights;

namespace CollectionsFx.Web.Services;

/// <summary>AR of one likelihood band: customers, open and overdue amount, value at stake (reporting currency).</summary>
public sealed record BandExposure(string Band, int Customers, decimal Open, decimal Overdue, decimal ValueAtStake);

/// <summary>ECharts options of the views, built from API records (pure: tested without a browser).</summary>
public static class ChartOptions
{
    /// <summary>Bands in the order a reader expects them.</summary>
    public static readonly IReadOnlyList<string> Bands = ["high", "medium", "low"];

    /// <summary>A small line of a KPI's monthly values (gaps where a month has none).</summary>
    public static object Sparkline(KpiTile tile)
    {
        ArgumentNullException.ThrowIfNull(tile);
        return new
        {
            animation = false,
            grid = new { left = 2, right = 2, top = 4, bottom = 2 },
            xAxis = new { type = "category", show = false, data = tile.Months },
            yAxis = new { type = "value", show = false, scale = true },
            tooltip = new { trigger = "axis" },
            series = new[] { new { type = "line", name = tile.Spec.Label, data = tile.Trend, showSymbol = false, smooth = true, lineStyle = new { width = 2 } } },
        };
    }

    /// <summary>The weekly cash-in forecast: expected per week as bars, P50 as a line, the P10-P90 band as a shaded area.</summary>
    public static object Forecast(CurrencyForecast forecast)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        var weeks = forecast.Weeks.Select(w => $"W{w.Week} {w.Start:MM-dd}").ToList();
        return new
        {
            tooltip = new { trigger = "axis" },
            legend = new { top = 0, data = new[] { "Expected", "P50", "P10-P90" } },
            grid = new { left = 70, right = 20, top = 36, bottom = 40 },
            xAxis = new { type = "category", data = weeks },
            yAxis = new { type = "value", name = forecast.Currency },
            series = new object[]
            {
                new { type = "bar", name = "Expected", data = forecast.Weeks.Select(w => Math.Round(w.Expected)).ToList(), itemStyle = new { color = "#0f6cbd" } },
                new { type = "line", name = "P50", data = forecast.Weeks.Select(w => Math.Round(w.P50)).ToList(), itemStyle = new { color = "#1b1b1b" } },
                new { type = "line", name = "P10", stack = "band", data = forecast.Weeks.Select(w => Math.Round(w.P10)).ToList(), lineStyle = new { opacity = 0 }, showSymbol = false, tooltip = new { show = true } },
                new
                {
                    type = "line", name = "P10-P90", stack = "band", data = forecast.Weeks.Select(w => Math.Round(w.P90 - w.P10)).ToList(),
                    lineStyle = new { opacity = 0 }, showSymbol = false, areaStyle = new { color = "rgba(15,108,189,0.18)" }, itemStyle = new { color = "rgba(15,108,189,0.4)" },
                },
            },
        };
    }

    /// <summary>Exposure by likelihood band from the worklist's customers (those with something overdue or due soon).</summary>
    public static IReadOnlyList<BandExposure> ByBand(IEnumerable<WorklistEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.Select(e => e.Customer).ToList();
        return Bands.Select(b =>
        {
            var inBand = list.Where(c => string.Equals(c.RiskBand, b, StringComparison.OrdinalIgnoreCase)).ToList();
            return new BandExposure(b, inBand.Count, inBand.Sum(c => c.OpenAmount), inBand.Sum(c => c.OverdueAmount), inBand.Sum(c => c.ValueAtStake));
        }).ToList();
    }

    /// <summary>AR at risk by likelihood band: open and overdue amount, and value at stake, per band.</summary>
    public static object RiskBands(IReadOnlyList<BandExposure> bands, string currency)
    {
        ArgumentNullException.ThrowIfNull(bands);
        return new
        {
            tooltip = new { trigger = "axis" },
            legend = new { top = 0 },
            grid = new { left = 80, right = 20, top = 36, bottom = 30 },
            xAxis = new { type = "category", data = bands.Select(b => $"{b.Band} ({b.Customers})").ToList() },
            yAxis = new { type = "value", name = currency },
            series = new object[]
            {
                new { type = "bar", name = "Open", data = bands.Select(b => Math.Round(b.Open)).ToList(), itemStyle = new { color = "#8fb8e0" } },
                new { type = "bar", name = "Overdue", data = bands.Select(b => Math.Round(b.Overdue)).ToList(), itemStyle = new { color = "#0f6cbd" } },
                new { type = "bar", name = "Value at stake", data = bands.Select(b => Math.Round(b.ValueAtStake)).ToList(), itemStyle = new { color = "#b10e1c" } },
            },
        };
    }

    /// <summary>A KPI's monthly trend per group (one line each).</summary>
    public static object Trend(KpiSpec spec, KpiTrendResponse trend, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(trend);
        ArgumentNullException.ThrowIfNull(keys);
        var months = trend.Points.Select(p => p.Month).ToList();
        var series = keys.Select(k => new
        {
            type = "line", name = k, showSymbol = false,
            data = trend.Points.Select(p => p.Groups.FirstOrDefault(g => g.Key == k) is { } g ? spec.Read(g.Values) : null).ToList(),
        }).ToList();

        return new
        {
            tooltip = new { trigger = "axis" },
            legend = new { top = 0, type = "scroll" },
            grid = new { left = 70, right = 20, top = 40, bottom = 30 },
            xAxis = new { type = "category", data = months },
            yAxis = new { type = "value", name = spec.Unit == "money" ? trend.ReportingCurrency : spec.Unit, scale = true },
            series,
        };
    }

    /// <summary>
    /// An experiment's cumulative outcome per arm: each week's end, the mean days late of the invoices due since the start
    /// (one line per arm; lower is better). A week without such invoices is a gap, not a zero.
    /// </summary>
    public static object Experiment(Domain.Experiments.ExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var weeks = result.Cumulative.Select(p => p.WeekEnd).Distinct().Order().ToList();
        var series = result.Cumulative.Select(p => p.Arm).Distinct(StringComparer.Ordinal).Select(arm => new
        {
            type = "line", name = arm, connectNulls = false,
            data = weeks.Select(w => result.Cumulative.FirstOrDefault(p => p.Arm == arm && p.WeekEnd == w)?.MeanDaysLate is { } d ? Math.Round(d, 2) : (double?)null).ToList(),
        }).ToList();
        return new
        {
            tooltip = new { trigger = "axis" },
            legend = new { top = 0 },
            grid = new { left = 60, right = 20, top = 36, bottom = 30 },
            xAxis = new { type = "category", data = weeks.Select(Format.Date).ToList() },
            yAxis = new { type = "value", name = "mean days late", scale = true },
            series,
        };
    }

    /// <summary>The customer's last 12 months: cash received (bars) and the mean days late of invoices cleared (line, right axis).</summary>
    public static object PaymentHistory(IReadOnlyList<PaymentMonth> months, string currency)
    {
        ArgumentNullException.ThrowIfNull(months);
        return new
        {
            tooltip = new { trigger = "axis" },
            legend = new { top = 0 },
            grid = new { left = 70, right = 60, top = 36, bottom = 30 },
            xAxis = new { type = "category", data = months.Select(m => m.Month).ToList() },
            yAxis = new object[] { new { type = "value", name = currency }, new { type = "value", name = "days late" } },
            series = new object[]
            {
                new { type = "bar", name = "Paid", data = months.Select(m => Math.Round(m.Paid)).ToList(), itemStyle = new { color = "#0f6cbd" } },
                new { type = "line", name = "Mean days late", yAxisIndex = 1, connectNulls = true, data = months.Select(m => m.AverageDaysLate).ToList(), itemStyle = new { color = "#b10e1c" } },
            },
        };
    }

    /// <summary>Open AR by aging bucket as bars (reporting currency).</summary>
    public static object Aging(AgingBuckets aging, string currency)
    {
        ArgumentNullException.ThrowIfNull(aging);
        return new
        {
            tooltip = new { trigger = "axis" },
            grid = new { left = 70, right = 20, top = 20, bottom = 30 },
            xAxis = new { type = "category", data = new[] { "Current", "1-30", "31-60", "61-90", "91+" } },
            yAxis = new { type = "value", name = currency },
            series = new[]
            {
                new
                {
                    type = "bar", name = "Open",
                    data = new[] { aging.Current, aging.Days1To30, aging.Days31To60, aging.Days61To90, aging.Days91Plus }.Select(v => Math.Round(v)).ToList(),
                    itemStyle = new { color = "#0f6cbd" },
                },
            },
        };
    }
}
