using System.Collections.Concurrent;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Mining;

namespace CollectionsFx.Api.Insights;

/// <summary>
/// An immutable view of the whole event log at one moment, with what is derived from it built on first use and cached:
/// the timeline (for KPIs as of any date), the mining log and its variants, and computed results.
/// </summary>
public sealed class InsightsSnapshot
{
    private readonly Lazy<LedgerTimeline> timeline;
    private readonly Lazy<VariantIndex> variants;
    private readonly ConcurrentDictionary<string, Lazy<object>> results = new(StringComparer.Ordinal);

    public InsightsSnapshot(long version, DateTimeOffset loadedAt, IReadOnlyList<LedgerEvent> events, ExchangeRates rates, BusinessCalendar calendar, CostModel costs)
    {
        Version = version;
        LoadedAt = loadedAt;
        Events = events;
        Rates = rates;
        Calendar = calendar;
        Costs = costs;
        timeline = new Lazy<LedgerTimeline>(() => LedgerTimeline.FromLog(events));
        variants = new Lazy<VariantIndex>(() => VariantIndex.Build(LedgerMining.Build(events, rates)));
    }

    /// <summary>Increases with every change of the log or the rates.</summary>
    public long Version { get; }

    public DateTimeOffset LoadedAt { get; }

    public IReadOnlyList<LedgerEvent> Events { get; }

    public ExchangeRates Rates { get; }

    public BusinessCalendar Calendar { get; }

    public CostModel Costs { get; }

    public KpiEngine Kpis => new(timeline.Value, Rates, Calendar, Costs);

    public VariantIndex Variants => variants.Value;

    /// <summary>The result of <paramref name="compute"/> for <paramref name="key"/>, computed once per snapshot.</summary>
    public T Cached<T>(string key, Func<T> compute)
        where T : class =>
        (T)results.GetOrAdd(key, _ => new Lazy<object>(() => compute())).Value;
}
