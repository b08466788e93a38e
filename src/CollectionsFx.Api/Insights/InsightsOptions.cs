using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Api.Insights;

/// <summary>Settings of KPIs, mining and gaps (configuration section <c>Insights</c>).</summary>
public sealed class InsightsOptions
{
    public const string Section = "Insights";

    /// <summary>ISO 4217 code every KPI is reported in.</summary>
    public string ReportingCurrency { get; set; } = "EUR";

    /// <summary>The tenant's time zone (IANA id): business dates and period ends are taken there.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>How often new log transactions are read (seconds): the delay from ingestion to KPIs.</summary>
    public double RefreshSeconds { get; set; } = 2;

    /// <summary>Minutes between complete reloads of the log (picks up writers whose clocks lag by more than the overlap).</summary>
    public double FullReloadMinutes { get; set; } = 15;

    /// <summary>Unit cost of manual actions by kind (reporting currency); unset kinds keep the defaults of <see cref="CostModel.Default"/>.</summary>
    public Dictionary<ActionKind, decimal> ManualCosts { get; set; } = [];

    /// <summary>Cost of automated actions by kind (0 unless set).</summary>
    public Dictionary<ActionKind, decimal> AutomatedCosts { get; set; } = [];

    /// <summary>Gap thresholds.</summary>
    public GapOptions Gaps { get; set; } = new();

    /// <summary>The cost model these settings describe.</summary>
    public CostModel Costs()
    {
        var manual = CostModel.Default.Manual.ToDictionary();
        foreach (var (kind, cost) in ManualCosts)
        {
            manual[kind] = cost;
        }

        return new CostModel(manual, AutomatedCosts.ToDictionary());
    }
}
