using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Insights;

/// <summary>An open invoice as a collector sees it on a call: both currencies, days past due and its aging bucket.</summary>
public sealed record OpenItem(
    string InvoiceId, DateOnly IssueDate, DateOnly DueDate, string Currency, decimal Amount, decimal Open, decimal OpenReporting,
    int DaysPastDue, string Bucket, bool Disputed, bool Promised);

/// <summary>One month of the customer's paying: cash received (reporting currency), invoices cleared and how late on average.</summary>
public sealed record PaymentMonth(string Month, decimal Paid, int InvoicesCleared, double? AverageDaysLate);

/// <summary>A promise with its state as evaluated today (DOMAIN.md §4).</summary>
public sealed record PromiseSummary(string Id, DateOnly MadeOn, DateOnly PromisedDate, DateOnly Deadline, decimal Amount, IReadOnlyList<string> InvoiceIds, PromiseState State);

/// <summary>A dispute with the open amount of its invoice (reporting currency).</summary>
public sealed record DisputeSummary(string Id, string InvoiceId, DateOnly Opened, DateOnly? Resolved, bool Open, decimal InvoiceOpen);

/// <summary>
/// Everything about one customer's account a collector needs on a call (the customer 360), as of <see cref="AsOf"/>, amounts in
/// the reporting currency unless named otherwise: open items with aging (oldest first), the last 12 months of paying, promises
/// and disputes (newest first).
/// </summary>
public sealed record CustomerProfile(
    string CustomerId, string Name, string Segment, string Country, string Collector, string? Currency, string? Email, decimal CreditLimit,
    bool DunningBlock, DateOnly AsOf, string ReportingCurrency, AgingBuckets Aging, IReadOnlyList<OpenItem> OpenItems,
    IReadOnlyList<PaymentMonth> Payments, IReadOnlyList<PromiseSummary> Promises, IReadOnlyList<DisputeSummary> Disputes)
{
    /// <summary>Months of payment history shown.</summary>
    public const int HistoryMonths = 12;

    /// <summary>The aging bucket names of DOMAIN.md §3, by days past due.</summary>
    public static string BucketOf(int daysPastDue) => daysPastDue switch
    {
        <= 0 => "Current",
        <= 30 => "1-30",
        <= 60 => "31-60",
        <= 90 => "61-90",
        _ => "91+",
    };

    /// <summary>The profile of <paramref name="account"/> at the end of <paramref name="today"/>.</summary>
    public static CustomerProfile Of(ArAccount account, DateOnly today, string reportingCurrency)
    {
        ArgumentNullException.ThrowIfNull(account);
        var disputes = account.Disputes.Where(d => d.Opened <= today).ToList();
        var disputed = disputes.Where(d => d.IsOpenOn(today)).Select(d => d.InvoiceId).ToHashSet(StringComparer.Ordinal);
        var promises = PromiseEvaluator.States(account, today).Where(p => p.Promise.MadeOn <= today).ToList();
        var promised = promises.Where(p => p.State == PromiseState.Open).SelectMany(p => p.Promise.InvoiceIds).ToHashSet(StringComparer.Ordinal);
        var byId = account.Invoices.ToDictionary(i => i.Id, StringComparer.Ordinal);

        var open = account.Invoices
            .Where(i => i.IsOnBook(today) && i.OpenOn(today) > 0)
            .Select(i =>
            {
                var late = today.DayNumber - i.DueDate.DayNumber;
                return new OpenItem(i.Id, i.IssueDate, i.DueDate, i.Currency, i.Amount, i.OpenOn(today), i.OpenReportingOn(today), Math.Max(0, late),
                    BucketOf(late), disputed.Contains(i.Id), promised.Contains(i.Id));
            })
            .OrderByDescending(o => o.DaysPastDue).ThenByDescending(o => o.OpenReporting).ToList();

        decimal InBucket(string bucket) => open.Where(o => o.Bucket == bucket).Sum(o => o.OpenReporting);
        var aging = new AgingBuckets(InBucket("Current"), InBucket("1-30"), InBucket("31-60"), InBucket("61-90"), InBucket("91+"), -account.CreditOn(today));

        return new CustomerProfile(
            account.CustomerId, account.Name, account.Segment, account.Country, account.Collector, account.Currency, account.Email, account.CreditLimit,
            account.DunningBlock, today, reportingCurrency, aging, open, History(account, today),
            [.. promises.OrderByDescending(p => p.Promise.MadeOn).Select(p => new PromiseSummary(
                p.Promise.Id, p.Promise.MadeOn, p.Promise.PromisedDate, p.Promise.Deadline, p.Promise.AmountReporting, p.Promise.InvoiceIds, p.State))],
            [.. disputes.OrderByDescending(d => d.Opened).Select(d => new DisputeSummary(
                d.Id, d.InvoiceId, d.Opened, d.Resolved <= today ? d.Resolved : null, d.IsOpenOn(today),
                byId.TryGetValue(d.InvoiceId, out var inv) ? inv.OpenReportingOn(today) : 0m))]);
    }

    /// <summary>
    /// The last <see cref="HistoryMonths"/> calendar months up to today's: payments received (reporting currency, at each invoice's
    /// rate), invoices cleared, and the amount-weighted mean days late of those cleared (as the KPI averageDaysLate).
    /// </summary>
    private static List<PaymentMonth> History(ArAccount account, DateOnly today)
    {
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(-(HistoryMonths - 1));
        var months = new List<PaymentMonth>(HistoryMonths);
        for (var start = first; start <= today; start = start.AddMonths(1))
        {
            var end = start.AddMonths(1).AddDays(-1);
            if (end > today)
            {
                end = today;
            }

            var paid = account.Invoices.Sum(i => i.PaidBetween(start, end) * i.Rate);
            var cleared = account.Invoices.Where(i => i.ClearedOn is { } c && c >= start && c <= end).ToList();
            var weight = cleared.Sum(i => i.AmountReporting);
            double? late = weight == 0 ? null
                : (double)(cleared.Sum(i => i.AmountReporting * (i.ClearedOn!.Value.DayNumber - i.DueDate.DayNumber)) / weight);
            months.Add(new PaymentMonth($"{start:yyyy-MM}", paid, cleared.Count, late is { } l ? Math.Round(l, 1) : null));
        }

        return months;
    }
}
