using CollectionsFx.Api.Insights;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Insights;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Api.Dunning;

/// <summary>
/// What the collection workflows' activities read: the clock of playbook days and a customer's account as known today. With
/// real days "today" is the tenant's date; with <see cref="DunningOptions.DayLength"/> set (tests) days count from the host's
/// start and "today" is the clock's date, so a month of dunning and promises runs in seconds with the same arithmetic.
/// </summary>
public sealed class AccountReader(InsightsService insights, PlaybookSet playbooks, IOptions<DunningOptions> options, TimeProvider time)
{
    private readonly DateTime started = (options.Value.ClockStart ?? time.GetUtcNow()).UtcDateTime;
    private readonly DateOnly startDate = options.Value.ClockStart is { } start ? insights.Calendar.DateOf(start) : insights.Today();

    /// <summary>How long a playbook day lasts.</summary>
    public TimeSpan DayLength => options.Value.DayLength ?? playbooks.DayLength;

    /// <summary>The clock the orchestrators sleep by.</summary>
    public DunningClock Clock => options.Value.DayLength is { } fast
        ? new DunningClock(started, startDate, fast)
        : DunningClock.Daily(new DateOnly(2000, 1, 1), insights.Calendar.Zone);

    /// <summary>Today by <see cref="Clock"/>.</summary>
    public DateOnly Today() => options.Value.DayLength is null ? insights.Today() : Clock.DateOf(time.GetUtcNow().UtcDateTime);

    /// <summary>Reloads the snapshot now (after a commit the reader must see, such as a promise recorded a moment ago).</summary>
    public Task RefreshAsync(CancellationToken cancellationToken) => insights.RefreshAsync(cancellationToken);

    /// <summary>The customer's account in the book as known at the end of <paramref name="today"/>; null when unknown.</summary>
    public async Task<ArAccount?> AccountAsync(string customerId, DateOnly today, CancellationToken cancellationToken)
    {
        var book = await (await insights.CurrentAsync(cancellationToken).ConfigureAwait(false)).BookAsOfAsync(today).ConfigureAwait(false);
        return book.Accounts.FirstOrDefault(a => a.CustomerId == customerId);
    }
}
