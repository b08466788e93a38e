using CollectionsFx.Api.Insights;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Api.Dunning;

/// <summary>
/// The daily check (timer <c>EnsureDunningCycles</c>, hourly; it acts in the hour <see cref="DunningOptions.DailyHour"/> of the
/// tenant's time zone, since Linux Function Apps run timers in UTC only): every customer with an open invoice overdue or due within a week (the
/// earliest courtesy step of the shipped playbooks) has a running dunning cycle. Starting is idempotent per customer; a cycle
/// that ended (all paid) is started again when new items fall due.
/// </summary>
public sealed partial class DunningScheduler(InsightsService insights, Microsoft.Extensions.Options.IOptions<DunningOptions> options, TimeProvider time, ILogger<DunningScheduler> logger)
{
    /// <summary>How many cycles are started at once (each start is two calls to the Durable backend).</summary>
    public const int Parallelism = 8;

    /// <summary>Days before the due date from which a customer is eligible.</summary>
    public const int LeadDays = 7;

    /// <summary>The hourly timer: the daily check when it is <see cref="DunningOptions.DailyHour"/> o'clock in the tenant's zone; null otherwise.</summary>
    public async Task<int?> OnTimerAsync(DurableTaskClient client, CancellationToken cancellationToken) =>
        IsDailyHour(time.GetUtcNow(), insights.Calendar.Zone, options.Value.DailyHour)
            ? await EnsureCyclesAsync(client, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>True in the hour <paramref name="hour"/> of the tenant's <paramref name="zone"/> (daylight saving included).</summary>
    public static bool IsDailyHour(DateTimeOffset utcNow, TimeZoneInfo zone, int hour) => TimeZoneInfo.ConvertTime(utcNow, zone).Hour == hour;

    /// <summary>Starts the missing cycles; returns how many were started.</summary>
    public async Task<int> EnsureCyclesAsync(DurableTaskClient client, CancellationToken cancellationToken) =>
        (await StartAsync(client, _ => true, cancellationToken).ConfigureAwait(false)).Started;

    /// <summary>
    /// Starts the cycles of the eligible customers <paramref name="filter"/> keeps (a segment, a list, all), at most
    /// <see cref="Parallelism"/> starts at a time; returns how many were eligible and how many started (the rest already run).
    /// </summary>
    public async Task<(int Eligible, int Started)> StartAsync(DurableTaskClient client, Func<Domain.Insights.ArAccount, bool> filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var today = insights.Today();
        var book = await (await insights.CurrentAsync(cancellationToken).ConfigureAwait(false)).BookAsOfAsync(today).ConfigureAwait(false);
        var eligible = book.Accounts
            .Where(a => filter(a) && a.Invoices.Any(i => i.IsOnBook(today) && i.OpenOn(today) > 0 && i.DueDate.DayNumber - LeadDays <= today.DayNumber))
            .Select(a => a.CustomerId).ToList();
        var started = 0;
        await Parallel.ForEachAsync(eligible, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (customer, ct) =>
        {
            if ((await DunningStarter.StartAsync(client, customer, time.GetUtcNow(), ct).ConfigureAwait(false)).Started)
            {
                Interlocked.Increment(ref started);
            }
        }).ConfigureAwait(false);
        LogEnsured(logger, eligible.Count, started);
        return (eligible.Count, started);
    }

    [LoggerMessage(1, LogLevel.Information, "Dunning: {Eligible} customers to dun, {Started} cycles started")]
    private static partial void LogEnsured(ILogger logger, int eligible, int started);
}
