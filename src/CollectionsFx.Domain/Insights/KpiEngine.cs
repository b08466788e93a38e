using System.Globalization;

namespace CollectionsFx.Domain.Insights;

/// <summary>
/// KPIs as of any past date: the ledger is rebuilt from the event log as it was known at the end of that
/// business day (tenant time zone), then <see cref="KpiCalculator"/> applies the formulas.
/// </summary>
public sealed class KpiEngine(LedgerTimeline timeline, ExchangeRates rates, BusinessCalendar calendar, CostModel costs)
{
    /// <summary>Most months a trend may span.</summary>
    public const int MaxTrendMonths = 60;

    /// <summary>The AR book as it stood at the end of <paramref name="asOf"/>.</summary>
    public ArBook BookAsOf(DateOnly asOf) => ArBook.Build(timeline.At(Cutoff(asOf)), rates, calendar);

    /// <summary>KPIs for <paramref name="period"/> (default: the calendar month of <paramref name="asOf"/>) as they stood at the end of <paramref name="asOf"/>.</summary>
    public KpiReport Report(DateOnly asOf, KpiPeriod? period, KpiGroupBy groupBy) =>
        KpiCalculator.Report(BookAsOf(asOf), asOf, period ?? KpiPeriod.MonthOf(asOf), groupBy, costs);

    /// <summary>
    /// Monthly KPIs for the <paramref name="months"/> months up to and including the month of <paramref name="asOf"/>:
    /// each month as it stood at its last day (the current month at <paramref name="asOf"/>). One sweep over the history.
    /// </summary>
    public IReadOnlyList<KpiTrendPoint> Trend(DateOnly asOf, int months, KpiGroupBy groupBy)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(months, MaxTrendMonths);
        var firstMonth = new DateOnly(asOf.Year, asOf.Month, 1).AddMonths(1 - months);
        var dates = Enumerable.Range(0, months)
            .Select(m => firstMonth.AddMonths(m + 1).AddDays(-1))
            .Select(d => d < asOf ? d : asOf)
            .ToList();
        var points = new List<KpiTrendPoint>(months);
        var index = 0;
        foreach (var known in timeline.At(dates.Select(Cutoff).ToList()))
        {
            var date = dates[index++];
            var report = KpiCalculator.Report(ArBook.Build(known, rates, calendar), date, KpiPeriod.MonthOf(date), groupBy, costs);
            points.Add(new KpiTrendPoint(date.ToString("yyyy-MM", CultureInfo.InvariantCulture), date, report.Groups));
        }

        return points;
    }

    /// <summary>The last instant of the business day <paramref name="asOf"/>.</summary>
    private DateTimeOffset Cutoff(DateOnly asOf) => calendar.EndOf(asOf).AddTicks(-1);
}
