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
    private readonly Lazy<Task<LedgerTimeline>> timeline;
    private readonly Lazy<Task<VariantIndex>> variants;
    private readonly BoundedCache results = new(MaxCachedResults);
    private readonly BoundedCache books = new(MaxCachedBooks);

    public InsightsSnapshot(long version, DateTimeOffset loadedAt, IReadOnlyList<LedgerEvent> events, ExchangeRates rates, BusinessCalendar calendar, CostModel costs)
    {
        Version = version;
        LoadedAt = loadedAt;
        Events = events;
        Rates = rates;
        Calendar = calendar;
        Costs = costs;
        timeline = new Lazy<Task<LedgerTimeline>>(() => Task.Run(() => LedgerTimeline.FromLog(events)));
        variants = new Lazy<Task<VariantIndex>>(() => Task.Run(() => VariantIndex.Build(LedgerMining.Build(events, rates))));
    }

    /// <summary>Most results (reports, trends, gaps, serialized answers) one snapshot keeps; the least recently used go first.</summary>
    public const int MaxCachedResults = 256;

    /// <summary>Most AR books (one per as-of date, the big ones) one snapshot keeps.</summary>
    public const int MaxCachedBooks = 8;

    /// <summary>Increases with every change of the log or the rates.</summary>
    public long Version { get; }

    public DateTimeOffset LoadedAt { get; }

    public IReadOnlyList<LedgerEvent> Events { get; }

    public ExchangeRates Rates { get; }

    public BusinessCalendar Calendar { get; }

    public CostModel Costs { get; }

    /// <summary>The KPI engine over this snapshot's history (the history is sorted once, on first use).</summary>
    public async Task<KpiEngine> KpisAsync() => new(await timeline.Value.ConfigureAwait(false), Rates, Calendar, Costs);

    /// <summary>The AR book as it stood at the end of <paramref name="asOf"/>, built once per snapshot and date (while cached).</summary>
    public Task<ArBook> BookAsOfAsync(DateOnly asOf) => GetAsync(books, $"{asOf:yyyy-MM-dd}", async () => (await KpisAsync().ConfigureAwait(false)).BookAsOf(asOf));

    /// <summary>KPIs for a period as of a date, grouped; the book of that date is shared with the other requests for it.</summary>
    public Task<KpiReport> ReportAsync(DateOnly asOf, KpiPeriod period, KpiGroupBy groupBy) =>
        CachedAsync($"kpis|{asOf:yyyy-MM-dd}|{period}|{groupBy}", async () => KpiCalculator.Report(await BookAsOfAsync(asOf).ConfigureAwait(false), asOf, period, groupBy, Costs));

    /// <summary>The mining log of this snapshot's invoice cases with its variants (built once, on first use).</summary>
    public Task<VariantIndex> VariantsAsync() => variants.Value;

    /// <summary>
    /// The result of <paramref name="compute"/> for <paramref name="key"/>, computed once per snapshot (while cached) on the
    /// thread pool: callers await it instead of blocking a request thread, so a burst of requests cannot starve the pool.
    /// </summary>
    public Task<T> CachedAsync<T>(string key, Func<Task<T>> compute)
        where T : class => GetAsync(results, key, compute);

    private static async Task<T> GetAsync<T>(BoundedCache cache, string key, Func<Task<T>> compute)
        where T : class =>
        (T)await cache.GetOrAdd(key, () => Task.Run(async () => (object)await compute().ConfigureAwait(false))).ConfigureAwait(false);

    /// <summary>A small LRU of values being computed or computed: concurrent requests for one key share one computation.</summary>
    private sealed class BoundedCache(int capacity)
    {
        private readonly Dictionary<string, (Lazy<Task<object>> Value, long Used)> entries = new(StringComparer.Ordinal);
        private long clock;

        public Task<object> GetOrAdd(string key, Func<Task<object>> compute)
        {
            Lazy<Task<object>> lazy;
            lock (entries)
            {
                if (entries.TryGetValue(key, out var entry))
                {
                    lazy = entry.Value;
                }
                else
                {
                    if (entries.Count >= capacity)
                    {
                        entries.Remove(entries.MinBy(e => e.Value.Used).Key);
                    }

                    lazy = new Lazy<Task<object>>(compute);
                }

                entries[key] = (lazy, ++clock);
            }

            return lazy.Value;
        }
    }
}
