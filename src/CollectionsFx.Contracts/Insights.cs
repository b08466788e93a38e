using CollectionsFx.Domain.Forecast;
using CollectionsFx.Domain.Insights;

namespace CollectionsFx.Contracts;

/// <summary>Which insights snapshot an answer was computed from.</summary>
public sealed record SnapshotInfo(long Version, DateTimeOffset LoadedAt, int Events);

/// <summary>A KPI's target for one group, and whether the group meets it now (null when the KPI has no value).</summary>
public sealed record TargetStatus(decimal Value, string? SetBy, DateTimeOffset SetAt, string? Note, bool? Met);

/// <summary>One group's KPIs with the targets set for that group, by KPI name.</summary>
public sealed record KpiGroupView(string Key, KpiValues Values, IReadOnlyDictionary<string, TargetStatus> Targets);

/// <summary><c>GET /api/kpis</c>: the KPIs as of a date for a period, grouped, with each KPI's formula.</summary>
public sealed record KpiResponse(
    DateOnly AsOf, KpiPeriod Period, KpiGroupBy GroupBy, string Currency, SnapshotInfo Snapshot,
    IReadOnlyDictionary<string, string> Formulas, IReadOnlyList<KpiGroupView> Groups);

/// <summary><c>GET /api/kpis/trend</c>: each month as it stood at its end.</summary>
public sealed record KpiTrendResponse(
    DateOnly AsOf, int Months, KpiGroupBy GroupBy, string ReportingCurrency, SnapshotInfo Snapshot, IReadOnlyList<KpiTrendPoint> Points);

/// <summary>How many gaps of one kind there are and what they put at stake.</summary>
public sealed record GapSummary(GapKind Kind, int Gaps, int Invoices, decimal MoneyAtStake);

/// <summary><c>GET /api/gaps</c>: execution gaps ranked by money at stake.</summary>
public sealed record GapsResponse(
    DateOnly AsOf, string ReportingCurrency, SnapshotInfo Snapshot, int Total, IReadOnlyList<GapSummary> Summary, IReadOnlyList<ExecutionGap> Gaps);

/// <summary>The payment curve a forecast learnt from.</summary>
public sealed record ForecastCurveInfo(DateOnly Cutoff, long Observations, double OverallRate);

/// <summary><c>GET /api/forecast</c>: the cash-in forecast of the open receivables.</summary>
public sealed record ForecastResponse(
    DateOnly AsOf, string ReportingCurrency, SnapshotInfo Snapshot, string Method, ForecastCurveInfo Curve, int Invoices,
    CurrencyForecast Reporting, IReadOnlyList<CurrencyForecast> Currencies);

/// <summary><c>GET /api/targets/suggestions</c>: a suggested target per group with the gap and why.</summary>
public sealed record TargetSuggestionsResponse(string Kpi, KpiGroupBy GroupBy, DateOnly AsOf, int Months, IReadOnlyList<TargetSuggestion> Suggestions);

/// <summary><c>GET /api/mining/variants</c>: the process variants of the selected cases, most frequent first.</summary>
public sealed record VariantsResponse(int Cases, int TotalVariants, IReadOnlyList<Domain.Mining.Variant> Variants);

/// <summary><c>GET /api/mining/dfg</c>: the directly-follows graph (process map), with waits in the performance view.</summary>
public sealed record ProcessMapResponse(
    string View, int Cases, IReadOnlyList<Domain.Mining.DfgActivity> Activities, IReadOnlyList<Domain.Mining.DfgEdge> Edges,
    IReadOnlyDictionary<string, int> StartActivities, IReadOnlyDictionary<string, int> EndActivities);
