using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Insights;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Api.Insights;

/// <summary>
/// Keeps the whole event log in memory for KPIs and mining, fresh within <see cref="InsightsOptions.RefreshSeconds"/>:
/// it reads only the transactions committed since the last read (with an overlap, de-duplicated by partition and
/// sequence), and reloads everything now and then. Readers get an immutable <see cref="InsightsSnapshot"/>.
/// </summary>
public sealed partial class InsightsService(ILedgerStore ledger, RatesStore ratesStore, IOptions<InsightsOptions> options, TimeProvider time, ILogger<InsightsService> logger)
{
    /// <summary>How far back each incremental read reaches before the newest commit seen (writers' clocks differ).</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(2);

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly HashSet<(string, long)> seen = [];
    private readonly TaskCompletionSource firstLoad = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<LedgerEvent> events = [];
    private DateTimeOffset newestCommit = DateTimeOffset.MinValue;
    private DateTimeOffset lastFullLoad = DateTimeOffset.MinValue;
    private string? ratesETag;
    private ExchangeRates? rates;
    private volatile InsightsSnapshot? current;
    private long version;

    public InsightsOptions Options => options.Value;

    /// <summary>The tenant's calendar (its time zone), the one every snapshot uses.</summary>
    public BusinessCalendar Calendar { get; } = BusinessCalendar.For(options.Value.TimeZone);

    /// <summary>Today's business date in the tenant's time zone.</summary>
    public DateOnly Today() => Calendar.DateOf(time.GetUtcNow());

    /// <summary>The current snapshot; the first call waits for the first load.</summary>
    public async Task<InsightsSnapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        if (current is { } snapshot)
        {
            return snapshot;
        }

        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        await firstLoad.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return current!;
    }

    /// <summary>
    /// Takes a customer's log again after it was rewritten in place (an erasure): a refresh reads only new transactions, so
    /// the rewritten events replace the ones held, in the same order. Other instances see it at their next full reload.
    /// </summary>
    public async Task ReloadCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        var fresh = new List<LedgerEvent>();
        await foreach (var e in ledger.ReadLogAsync(customerId, cancellationToken).ConfigureAwait(false))
        {
            fresh.Add(e);
        }

        var reloadAll = false;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (events.Count(e => e.CustomerId == customerId) != fresh.Count)
            {
                reloadAll = true; // something was committed meanwhile: read everything again
                lastFullLoad = DateTimeOffset.MinValue;
            }
            else
            {
                var next = 0;
                events = [.. events.Select(e => e.CustomerId == customerId ? fresh[next++] : e)];
                current = new InsightsSnapshot(++version, time.GetUtcNow(), events, rates ?? new ExchangeRates(options.Value.ReportingCurrency), Calendar, options.Value.Costs());
            }
        }
        finally
        {
            gate.Release();
        }

        if (reloadAll)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads what was committed since the last refresh (or everything, when a full reload is due) and publishes a new snapshot if anything changed.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            var full = now - lastFullLoad > TimeSpan.FromMinutes(options.Value.FullReloadMinutes);
            var changed = false;
            var added = new List<LedgerEvent>();
            if (full)
            {
                // Read everything into new state; keep the current snapshot (and its warm caches) if nothing differs.
                var fullSeen = new HashSet<(string, long)>();
                var fullEvents = new List<LedgerEvent>();
                var newest = DateTimeOffset.MinValue;
                await foreach (var tx in ledger.ReadTransactionsAsync(null, cancellationToken).ConfigureAwait(false))
                {
                    if (fullSeen.Add((tx.Partition, tx.Sequence)))
                    {
                        fullEvents.AddRange(tx.Events);
                        newest = tx.CommittedAt > newest ? tx.CommittedAt : newest;
                    }
                }

                lastFullLoad = now;
                newestCommit = newest;
                if (!fullSeen.SetEquals(seen) || current is null)
                {
                    seen.Clear();
                    seen.UnionWith(fullSeen);
                    events = fullEvents;
                    changed = true;
                    added = fullEvents;
                }
            }
            else
            {
                DateTimeOffset? since = newestCommit == DateTimeOffset.MinValue ? null : newestCommit - Overlap;
                await foreach (var tx in ledger.ReadTransactionsAsync(since, cancellationToken).ConfigureAwait(false))
                {
                    if (seen.Add((tx.Partition, tx.Sequence)))
                    {
                        added.AddRange(tx.Events);
                        if (tx.CommittedAt > newestCommit)
                        {
                            newestCommit = tx.CommittedAt;
                        }
                    }
                }
            }

            var (loaded, etag) = await ratesStore.LoadAsync(options.Value.ReportingCurrency, ratesETag, cancellationToken).ConfigureAwait(false);
            if (loaded is not null)
            {
                rates = loaded;
                ratesETag = etag;
                changed = true;
            }

            if (!full && added.Count > 0)
            {
                events = [.. events, .. added];
                changed = true;
            }

            if (changed || current is null)
            {
                current = new InsightsSnapshot(
                    ++version, now, events, rates ?? new ExchangeRates(options.Value.ReportingCurrency),
                    Calendar, options.Value.Costs());
                LogRefreshed(logger, version, events.Count, added.Count, full);
            }

            firstLoad.TrySetResult();
        }
        finally
        {
            gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Insights snapshot {Version}: {Events} events ({Added} new, full reload: {Full}).")]
    private static partial void LogRefreshed(ILogger logger, long version, int events, int added, bool full);
}

/// <summary>Refreshes the insights snapshot in the background, so requests never wait for storage.</summary>
public sealed partial class InsightsRefresher(InsightsService insights, TimeProvider time, ILogger<InsightsRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(0.2, insights.Options.RefreshSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await insights.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the insights snapshot failed; the previous one stays in use.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
