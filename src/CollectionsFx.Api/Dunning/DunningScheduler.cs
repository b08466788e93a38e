using CollectionsFx.Api.Insights;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Api.Dunning;

/// <summary>
/// The daily check (timer <c>EnsureDunningCycles</c>): every customer with an open invoice overdue or due within a week (the
/// earliest courtesy step of the shipped playbooks) has a running dunning cycle. Starting is idempotent per customer; a cycle
/// that ended (all paid) is started again when new items fall due.
/// </summary>
public sealed partial class DunningScheduler(InsightsService insights, ILogger<DunningScheduler> logger)
{
    /// <summary>How many cycles are started at once (each start is two calls to the Durable backend).</summary>
    public const int Parallelism = 8;

    /// <summary>Days before the due date from which a customer is eligible.</summary>
    public const int LeadDays = 7;

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
            if ((await DunningStarter.StartAsync(client, customer, ct).ConfigureAwait(false)).Started)
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
