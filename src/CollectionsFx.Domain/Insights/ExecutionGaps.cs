using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Insights;

/// <summary>The execution gaps and conformance violations of DOMAIN.md §8.</summary>
public enum GapKind
{
    /// <summary>Open amount ≥ the configured percentile of all open invoice amounts and likelihood to pay &lt; 0.5.</summary>
    HighValueAtRisk,

    /// <summary>Two broken promises within 90 days.</summary>
    BrokenPromisePattern,

    /// <summary>Overdue and no contact with the customer about it for 14 days.</summary>
    OverdueNoContact,

    /// <summary>A dunning notice sent for an invoice while its dispute was open (violation).</summary>
    DunningWhileDisputed,

    /// <summary>A dunning notice sent for an invoice already paid (violation).</summary>
    ReminderAfterPayment,

    /// <summary>A dispute open for more than 30 days.</summary>
    DisputeOpenTooLong,

    /// <summary>New invoices issued while the customer's AR exceeded its credit limit.</summary>
    CreditLimitExceeded,

    /// <summary>Overdue AR, dunning notices sent, and nobody ever spoke to the customer (no manual contact).</summary>
    CustomerNeverReached,
}

/// <summary>Thresholds of the gap rules (the defaults are DOMAIN.md's).</summary>
public sealed record GapOptions
{
    /// <summary>Percentile of open invoice amounts from which an invoice is high-value (0-100).</summary>
    public double HighValuePercentile { get; init; } = 80;

    /// <summary>Likelihood below which a high-value invoice is at risk.</summary>
    public double AtRiskLikelihood { get; init; } = 0.5;

    public int BrokenPromiseWindowDays { get; init; } = 90;

    public int NoContactDays { get; init; } = 14;

    public int DisputeMaxDays { get; init; } = 30;

    /// <summary>How far back new invoices are checked against the credit limit.</summary>
    public int CreditLimitLookbackDays { get; init; } = 90;

    /// <summary>How far back dunning notices are checked for violations.</summary>
    public int ViolationLookbackDays { get; init; } = 365;
}

/// <summary>
/// One gap on one customer: the invoices behind it and the money at stake (reporting currency): the open amount of
/// those invoices on the as-of date, or for the two violations (already paid or disputed when dunned) the amount that
/// was dunned.
/// </summary>
public sealed record ExecutionGap(GapKind Kind, string CustomerId, string CustomerName, string Collector, IReadOnlyList<string> InvoiceIds, decimal MoneyAtStake, DateOnly Since, string Detail);

/// <summary>Finds the gaps of DOMAIN.md §8 in an AR book. Pure.</summary>
public static class ExecutionGaps
{
    /// <summary>
    /// All gaps as of <paramref name="asOf"/>, ranked by money at stake (largest first). <paramref name="likelihood"/> gives an
    /// invoice's likelihood to pay, or null while unscored (unscored counts as medium, so never "at risk").
    /// </summary>
    public static IReadOnlyList<ExecutionGap> Find(ArBook book, DateOnly asOf, GapOptions options, Func<string, double?> likelihood)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(likelihood);
        var gaps = new List<ExecutionGap>();
        var threshold = HighValueThreshold(book, asOf, options.HighValuePercentile);
        foreach (var account in book.Accounts)
        {
            var byId = account.Invoices.ToDictionary(i => i.Id, StringComparer.Ordinal);
            void Add(GapKind kind, IEnumerable<ArInvoice> invoices, DateOnly since, string detail, Func<ArInvoice, decimal>? money = null)
            {
                var list = invoices.DistinctBy(i => i.Id).ToList();
                if (list.Count > 0)
                {
                    var stake = list.Sum(money ?? (i => Math.Max(0m, i.OpenReportingOn(asOf))));
                    gaps.Add(new ExecutionGap(kind, account.CustomerId, account.Name, account.Collector, list.Select(i => i.Id).ToList(), Math.Round(stake, 2), since, detail));
                }
            }

            var open = account.Invoices.Where(i => i.IsOnBook(asOf) && i.OpenOn(asOf) > 0).ToList();
            var overdue = open.Where(i => asOf > i.DueDate).ToList();

            var atRisk = open.Where(i => i.OpenReportingOn(asOf) >= threshold && likelihood(i.Id) is { } p && p < options.AtRiskLikelihood).ToList();
            Add(GapKind.HighValueAtRisk, atRisk, atRisk.Count == 0 ? asOf : atRisk.Min(i => i.IssueDate), $"open amount ≥ {threshold:0.00} (P{options.HighValuePercentile:0}) and likelihood < {options.AtRiskLikelihood:0.00}");

            BrokenPromises(account, byId, asOf, options, Add);

            var lastContact = LastContacts(account, asOf);
            var silent = overdue.Where(i => Last(lastContact, i.Id) is not { } d || asOf.DayNumber - d.DayNumber > options.NoContactDays).ToList();
            Add(GapKind.OverdueNoContact, silent, silent.Count == 0 ? asOf : silent.Min(i => i.DueDate.AddDays(1)), $"overdue and no contact for more than {options.NoContactDays} days");

            Violations(account, byId, asOf, options, Add);

            var longDisputes = account.Disputes
                .Where(d => d.IsOpenOn(asOf) && asOf.DayNumber - d.Opened.DayNumber > options.DisputeMaxDays)
                .ToList();
            Add(GapKind.DisputeOpenTooLong, longDisputes.Select(d => byId.GetValueOrDefault(d.InvoiceId)).OfType<ArInvoice>(), longDisputes.Count == 0 ? asOf : longDisputes.Min(d => d.Opened), $"dispute open more than {options.DisputeMaxDays} days");

            if (account.CreditLimit > 0)
            {
                var from = asOf.AddDays(-options.CreditLimitLookbackDays);
                var overLimit = account.Invoices.Where(i => i.IssueDate > from && i.IssueDate <= asOf && account.TotalArOn(i.IssueDate.AddDays(-1)) > account.CreditLimit).ToList();
                Add(GapKind.CreditLimitExceeded, overLimit, overLimit.Count == 0 ? asOf : overLimit.Min(i => i.IssueDate), $"invoiced while AR exceeded the credit limit of {account.CreditLimit:0.00}", i => i.OpenReportingOn(asOf) > 0 ? i.OpenReportingOn(asOf) : i.AmountReporting);
            }

            var dunned = account.Actions.Any(a => a.DunningLevel is not null && a.Date <= asOf);
            var spoken = account.Actions.Any(a => !a.Automated && a.DunningLevel is null && a.Date <= asOf && a.Kind is ActionKind.Call or ActionKind.Email or ActionKind.CrmEscalation or ActionKind.SalesSupportRequest);
            if (overdue.Count > 0 && dunned && !spoken)
            {
                Add(GapKind.CustomerNeverReached, overdue, overdue.Min(i => i.DueDate.AddDays(1)), "overdue, dunned, and no manual contact ever logged");
            }
        }

        return gaps.OrderByDescending(g => g.MoneyAtStake).ThenBy(g => g.Kind).ThenBy(g => g.CustomerId, StringComparer.Ordinal).ToList();
    }

    /// <summary>The open amount at the given percentile (linear interpolation) of all open invoice amounts on <paramref name="asOf"/>.</summary>
    public static decimal HighValueThreshold(ArBook book, DateOnly asOf, double percentile)
    {
        ArgumentNullException.ThrowIfNull(book);
        var amounts = book.Accounts.SelectMany(a => a.Invoices).Select(i => i.OpenReportingOn(asOf)).Where(x => x > 0).Order().ToArray();
        if (amounts.Length == 0)
        {
            return decimal.MaxValue;
        }

        var position = percentile / 100 * (amounts.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, amounts.Length - 1);
        return amounts[lower] + ((amounts[upper] - amounts[lower]) * (decimal)(position - lower));
    }

    private delegate void Adder(GapKind kind, IEnumerable<ArInvoice> invoices, DateOnly since, string detail, Func<ArInvoice, decimal>? money = null);

    private static void BrokenPromises(ArAccount account, Dictionary<string, ArInvoice> byId, DateOnly asOf, GapOptions options, Adder add)
    {
        var broken = account.Promises
            .Where(p => PromiseEvaluator.Evaluate(p, byId.GetValueOrDefault, asOf) == PromiseState.Broken)
            .OrderBy(p => p.Deadline)
            .ToList();
        for (var i = 1; i < broken.Count; i++)
        {
            if (broken[i].Deadline.DayNumber - broken[i - 1].Deadline.DayNumber <= options.BrokenPromiseWindowDays)
            {
                var pair = new[] { broken[i - 1], broken[i] };
                add(GapKind.BrokenPromisePattern, pair.SelectMany(p => p.InvoiceIds).Select(byId.GetValueOrDefault).OfType<ArInvoice>(), broken[i - 1].Deadline,
                    $"promises {pair[0].Id} and {pair[1].Id} broken within {options.BrokenPromiseWindowDays} days");
                return;
            }
        }
    }

    private static void Violations(ArAccount account, Dictionary<string, ArInvoice> byId, DateOnly asOf, GapOptions options, Adder add)
    {
        var from = asOf.AddDays(-options.ViolationLookbackDays);
        var disputed = new List<(ArInvoice Invoice, decimal Dunned, DateOnly On)>();
        var paid = new List<(ArInvoice Invoice, DateOnly On)>();
        foreach (var notice in account.Actions.Where(a => a.DunningLevel is not null && a.Date > from && a.Date <= asOf))
        {
            foreach (var invoice in notice.InvoiceIds.Select(byId.GetValueOrDefault).OfType<ArInvoice>())
            {
                if (account.Disputes.Any(d => d.InvoiceId == invoice.Id && d.IsOpenOn(notice.Date)))
                {
                    disputed.Add((invoice, Math.Max(0m, invoice.OpenOn(notice.Date)) * invoice.Rate, notice.Date));
                }

                if (invoice.OpenOn(notice.Date) <= 0)
                {
                    paid.Add((invoice, notice.Date));
                }
            }
        }

        if (disputed.Count > 0)
        {
            var dunned = disputed.GroupBy(d => d.Invoice.Id).ToDictionary(g => g.Key, g => g.Max(x => x.Dunned));
            add(GapKind.DunningWhileDisputed, disputed.Select(d => d.Invoice), disputed.Min(d => d.On), "dunning notice sent while the invoice was disputed", i => dunned[i.Id]);
        }

        if (paid.Count > 0)
        {
            add(GapKind.ReminderAfterPayment, paid.Select(p => p.Invoice), paid.Min(p => p.On), "dunning notice sent after the invoice was paid", i => i.AmountReporting);
        }
    }

    /// <summary>Last contact date per invoice ("" = contacts about the customer as a whole).</summary>
    private static Dictionary<string, DateOnly> LastContacts(ArAccount account, DateOnly asOf)
    {
        var last = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        foreach (var a in account.Actions.Where(a => a.Date <= asOf))
        {
            foreach (var id in a.InvoiceIds.Count == 0 ? [string.Empty] : a.InvoiceIds)
            {
                if (!last.TryGetValue(id, out var d) || d < a.Date)
                {
                    last[id] = a.Date;
                }
            }
        }

        return last;
    }

    private static DateOnly? Last(Dictionary<string, DateOnly> last, string invoiceId)
    {
        DateOnly? invoice = last.TryGetValue(invoiceId, out var d) ? d : null;
        DateOnly? customer = last.TryGetValue(string.Empty, out var c) ? c : null;
        return invoice > customer || customer is null ? invoice : customer;
    }
}
