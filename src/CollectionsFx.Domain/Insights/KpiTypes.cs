using System.Globalization;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Insights;

/// <summary>A reporting period of business dates, both ends inclusive (a calendar month unless a request says otherwise).</summary>
public sealed record KpiPeriod(DateOnly Start, DateOnly End)
{
    /// <summary>The calendar month containing <paramref name="date"/>.</summary>
    public static KpiPeriod MonthOf(DateOnly date)
    {
        var start = new DateOnly(date.Year, date.Month, 1);
        return new KpiPeriod(start, start.AddMonths(1).AddDays(-1));
    }

    /// <summary>Parses <c>yyyy-MM</c> (a month) or <c>yyyy-MM-dd..yyyy-MM-dd</c>; null when the text is neither.</summary>
    public static KpiPeriod? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            return MonthOf(month);
        }

        var parts = text.Split("..");
        return parts.Length == 2
            && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            && DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            && start <= end
            ? new KpiPeriod(start, end)
            : null;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Start:yyyy-MM-dd}..{End:yyyy-MM-dd}");
}

/// <summary>Dimensions KPIs can be grouped by.</summary>
public enum KpiGroupBy
{
    None,
    Company,
    Segment,
    Country,
    Collector,
    Customer,
}

/// <summary>
/// Cost of each action kind in the reporting currency: manual actions cost their unit cost, automated ones their
/// automation cost (0 unless configured), DOMAIN.md §3.
/// </summary>
public sealed record CostModel(IReadOnlyDictionary<ActionKind, decimal> Manual, IReadOnlyDictionary<ActionKind, decimal> Automated)
{
    /// <summary>
    /// Defaults: a finance clerk's fully loaded minute at about 1 unit: e-mail 5 min, call 15, CRM escalation 20,
    /// sales support request 30, credit hold 10, write-off 45; automation free.
    /// </summary>
    public static readonly CostModel Default = new(
        new Dictionary<ActionKind, decimal>
        {
            [ActionKind.Email] = 5m, [ActionKind.Call] = 15m, [ActionKind.CrmEscalation] = 20m,
            [ActionKind.SalesSupportRequest] = 30m, [ActionKind.CreditHold] = 10m, [ActionKind.WriteOff] = 45m,
        },
        new Dictionary<ActionKind, decimal>());

    /// <summary>The cost of one action.</summary>
    public decimal CostOf(ActionKind kind, bool automated) =>
        (automated ? Automated : Manual).GetValueOrDefault(kind);
}

/// <summary>Open AR by days past due (on the due date; due today is current). Credits: unapplied cash, unlinked credit notes and overpaid invoices (negative).</summary>
public sealed record AgingBuckets(decimal Current, decimal Days1To30, decimal Days31To60, decimal Days61To90, decimal Days91Plus, decimal Credits)
{
    /// <summary>Sum of all buckets: the total AR.</summary>
    public decimal Total => Current + Days1To30 + Days31To60 + Days61To90 + Days91Plus + Credits;
}

/// <summary>Promise outcomes among promises whose promised date + tolerance passed in the period, by count and by promised amount.</summary>
public sealed record PromiseRates(
    int Evaluated, int Kept, int PartiallyKept, int Broken,
    decimal EvaluatedAmount, decimal KeptAmount, decimal PartiallyKeptAmount, decimal BrokenAmount,
    decimal? KeptRate, decimal? PartiallyKeptRate, decimal? BrokenRate,
    decimal? KeptAmountRate, decimal? PartiallyKeptAmountRate, decimal? BrokenAmountRate);

/// <summary>Share of the dunned amount cleared within 14 days of notices of one level sent in the period.</summary>
public sealed record DunningEffectiveness(int Level, string Activity, int Notices, decimal DunnedAmount, decimal ClearedAmount, decimal? Share);

/// <summary>Every KPI of DOMAIN.md §3 for one group, amounts in the reporting currency, days and percentages rounded to 2 decimals.</summary>
public sealed record KpiValues(
    DateOnly AsOf,
    KpiPeriod Period,
    string Currency,
    int Customers,
    int CustomersWithOpenAr,
    decimal TotalAr,
    decimal CurrentAr,
    decimal OverdueAr,
    decimal CreditSales,
    decimal? DsoCountback,
    bool DsoCountbackIsLowerBound,
    decimal? DsoStandard,
    decimal? BestPossibleDso,
    decimal? AverageDaysDelinquent,
    decimal? Cei,
    decimal? AverageDaysToPay,
    decimal? AverageDaysLate,
    decimal? PercentCurrent,
    AgingBuckets Aging,
    PromiseRates Promises,
    decimal CollectionCost,
    decimal? CostPerCustomer,
    IReadOnlyList<DunningEffectiveness> Dunning);

/// <summary>KPIs of one group (<see cref="Key"/> is the dimension's value, or "all").</summary>
public sealed record KpiGroup(string Key, KpiValues Values);

/// <summary>KPIs as of a date for a period, grouped.</summary>
public sealed record KpiReport(DateOnly AsOf, KpiPeriod Period, KpiGroupBy GroupBy, string Currency, IReadOnlyList<KpiGroup> Groups);

/// <summary>One point of a KPI trend: a month's KPIs per group, as they stood at its end (or at the as-of date for the current month).</summary>
public sealed record KpiTrendPoint(string Month, DateOnly AsOf, IReadOnlyList<KpiGroup> Groups);
