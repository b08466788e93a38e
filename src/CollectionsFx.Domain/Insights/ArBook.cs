using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Insights;

/// <summary>A reduction of an invoice's open amount on a business date, in the invoice's currency.</summary>
public readonly record struct ArReduction(DateOnly Date, decimal Amount, bool IsPayment);

/// <summary>
/// An invoice as the KPIs see it: its amounts over time. Amounts are in the invoice's currency; the
/// <see cref="Rate"/> of the invoice date converts them (and everything paid on it) to the reporting currency.
/// </summary>
public sealed class ArInvoice
{
    private readonly ArReduction[] reductions;

    internal ArInvoice(InvoiceRecord invoice, decimal rate, DateOnly? writtenOffOn, IEnumerable<ArReduction> reductions)
    {
        Id = invoice.Id;
        CustomerId = invoice.CustomerId;
        IssueDate = invoice.IssueDate;
        DueDate = invoice.DueDate;
        Amount = invoice.Amount;
        Currency = invoice.Currency;
        Paperless = invoice.Paperless;
        Rate = rate;
        AmountReporting = invoice.Amount * rate;
        WrittenOffOn = writtenOffOn;
        this.reductions = reductions.ToArray();
        if (this.reductions.Length > 1)
        {
            // Stable by date: equal dates keep their order.
            var order = this.reductions.Select((r, i) => (r.Date, i)).ToArray();
            Array.Sort(order);
            this.reductions = order.Select(o => this.reductions[o.i]).ToArray();
        }

        decimal reduced = 0;
        foreach (var r in this.reductions)
        {
            reduced += r.Amount;
            if (reduced >= Amount && (WrittenOffOn is null || r.Date <= WrittenOffOn))
            {
                ClearedOn = r.Date;
                break;
            }
        }
    }

    public string Id { get; }

    public string CustomerId { get; }

    public DateOnly IssueDate { get; }

    public DateOnly DueDate { get; }

    /// <summary>Invoiced amount in the invoice's currency.</summary>
    public decimal Amount { get; }

    public string Currency { get; }

    /// <summary>Sent electronically.</summary>
    public bool Paperless { get; }

    /// <summary>Reporting-currency units per invoice-currency unit on the invoice date.</summary>
    public decimal Rate { get; }

    /// <summary>The business date the invoice was written off (it leaves AR that day), if it was.</summary>
    public DateOnly? WrittenOffOn { get; }

    /// <summary>The business date the open amount reached zero through payments and credit notes, if it did.</summary>
    public DateOnly? ClearedOn { get; }

    /// <summary>Payments and credit notes applied to the invoice, by date.</summary>
    public IReadOnlyList<ArReduction> Reductions => reductions;

    /// <summary>Invoiced amount in the reporting currency (computed once: features and KPIs read it for every invoice).</summary>
    public decimal AmountReporting { get; }

    /// <summary>True when the invoice is part of AR on <paramref name="date"/>: issued, and not written off by then.</summary>
    public bool IsOnBook(DateOnly date) => IssueDate <= date && !(WrittenOffOn <= date);

    /// <summary>Open amount at the end of <paramref name="date"/>, in the invoice's currency (may be negative when overpaid).</summary>
    public decimal OpenOn(DateOnly date)
    {
        var open = Amount;
        foreach (var r in reductions)
        {
            if (r.Date > date)
            {
                break;
            }

            open -= r.Amount;
        }

        return open;
    }

    /// <summary>Open amount at the end of <paramref name="date"/> in the reporting currency; 0 when not on the book that day.</summary>
    public decimal OpenReportingOn(DateOnly date) => IsOnBook(date) ? OpenOn(date) * Rate : 0m;

    /// <summary>Paid (not credited) on the invoice between two dates, inclusive, in the invoice's currency.</summary>
    public decimal PaidBetween(DateOnly from, DateOnly to) =>
        reductions.Where(r => r.IsPayment && r.Date >= from && r.Date <= to).Sum(r => r.Amount);
}

/// <summary>Cash or credit on the account that is not applied to any invoice (reporting currency, positive).</summary>
public readonly record struct ArCredit(DateOnly Date, decimal Amount);

/// <summary>A collection action or contact on a business date; dunning notices carry their level (1-3, 4 = final notice).</summary>
public sealed record ArAction(DateOnly Date, ActionKind Kind, bool Automated, int? DunningLevel, IReadOnlyList<string> InvoiceIds);

/// <summary>A promise to pay, with the window in which its payments count.</summary>
public sealed record ArPromise(string Id, DateOnly MadeOn, DateOnly PromisedDate, DateOnly Deadline, decimal Amount, decimal AmountReporting, IReadOnlyList<string> InvoiceIds, bool Withdrawn);

/// <summary>A dispute with its dates.</summary>
public sealed record ArDispute(string Id, string InvoiceId, DateOnly Opened, DateOnly? Resolved)
{
    /// <summary>Opened by <paramref name="date"/> and not resolved by then.</summary>
    public bool IsOpenOn(DateOnly date) => Opened <= date && !(Resolved <= date);
}

/// <summary>One customer's account: its dimensions and everything on it.</summary>
public sealed class ArAccount
{
    internal ArAccount(string customerId, CustomerRecord? customer)
    {
        CustomerId = customerId;
        Name = customer?.Name ?? customerId;
        Company = customer?.Company ?? Unassigned;
        Segment = customer?.Segment.ToString() ?? Unassigned;
        Country = customer?.Country ?? Unassigned;
        Collector = customer?.Collector ?? Unassigned;
        CreditLimit = customer?.CreditLimit ?? 0m;
        Currency = customer?.Currency;
        Email = customer?.Email;
        DunningBlock = customer?.DunningBlock ?? false;
    }

    /// <summary>The group name of a missing dimension value.</summary>
    public const string Unassigned = "(unassigned)";

    public string CustomerId { get; }

    public string Name { get; }

    public string Company { get; }

    public string Segment { get; }

    public string Country { get; }

    public string Collector { get; }

    public decimal CreditLimit { get; }

    public string? Currency { get; }

    /// <summary>Where dunning mail goes (the customer's accounts-payable address), if known.</summary>
    public string? Email { get; }

    /// <summary>The ERP's dunning block on the customer.</summary>
    public bool DunningBlock { get; }

    public List<ArInvoice> Invoices { get; } = [];

    public List<ArCredit> Credits { get; } = [];

    public List<ArAction> Actions { get; } = [];

    public List<ArPromise> Promises { get; } = [];

    public List<ArDispute> Disputes { get; } = [];

    /// <summary>Unapplied cash and unlinked credit notes on the account at the end of <paramref name="date"/> (reporting currency, positive).</summary>
    public decimal CreditOn(DateOnly date) => Credits.Where(c => c.Date <= date).Sum(c => c.Amount);

    /// <summary>Total AR of the account at the end of <paramref name="date"/>: open invoices minus unapplied credit.</summary>
    public decimal TotalArOn(DateOnly date) => Invoices.Sum(i => i.OpenReportingOn(date)) - CreditOn(date);
}

/// <summary>
/// The facts every KPI is computed from, in the reporting currency: per customer its invoices (with their
/// payments and credit notes over time), unapplied credit, actions, promises and disputes. Cancelled
/// invoices are not on the book (they were never a sale); cash allocated to an invoice the ledger does not
/// know is unapplied cash.
/// </summary>
public sealed class ArBook
{
    private ArBook(string reportingCurrency, IReadOnlyList<ArAccount> accounts)
    {
        ReportingCurrency = reportingCurrency;
        Accounts = accounts;
        var issues = accounts.SelectMany(a => a.Invoices).Select(i => i.IssueDate).ToList();
        FirstIssueDate = issues.Count == 0 ? null : issues.Min();
    }

    public string ReportingCurrency { get; }

    /// <summary>Accounts ordered by customer id.</summary>
    public IReadOnlyList<ArAccount> Accounts { get; }

    /// <summary>The earliest invoice date in the book: where history (and the DSO countback) ends.</summary>
    public DateOnly? FirstIssueDate { get; }

    /// <summary>Builds the book from a known ledger. Throws <see cref="MissingRateException"/> when a needed rate is missing.</summary>
    public static ArBook Build(KnownLedger known, ExchangeRates rates, BusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(calendar);

        var invoices = new Dictionary<string, InvoiceRecord>(StringComparer.Ordinal);
        var reductions = new Dictionary<string, List<ArReduction>>(StringComparer.Ordinal);
        var accounts = new Dictionary<string, ArAccount>(StringComparer.Ordinal);
        var customers = new Dictionary<string, CustomerRecord>(StringComparer.Ordinal);
        foreach (var r in known.Records)
        {
            switch (r)
            {
                case CustomerRecord c:
                    customers[c.Id] = c;
                    break;
                case InvoiceRecord { Cancelled: false } i:
                    invoices[i.Id] = i;
                    break;
            }
        }

        ArAccount Account(string customerId)
        {
            if (!accounts.TryGetValue(customerId, out var account))
            {
                accounts[customerId] = account = new ArAccount(customerId, customers.GetValueOrDefault(customerId));
            }

            return account;
        }

        void Reduce(string invoiceId, ArReduction reduction)
        {
            if (!reductions.TryGetValue(invoiceId, out var list))
            {
                reductions[invoiceId] = list = [];
            }

            list.Add(reduction);
        }

        foreach (var r in known.Records)
        {
            switch (r)
            {
                case PaymentRecord p:
                    var unapplied = p.Amount;
                    foreach (var a in p.Allocations)
                    {
                        if (invoices.ContainsKey(a.InvoiceId))
                        {
                            Reduce(a.InvoiceId, new ArReduction(p.ValueDate, a.Amount, IsPayment: true));
                            unapplied -= a.Amount;
                        }
                    }

                    if (unapplied > 0)
                    {
                        Account(p.CustomerId).Credits.Add(new ArCredit(p.ValueDate, rates.Convert(unapplied, p.Currency, p.ValueDate)));
                    }

                    break;
                case CreditNoteRecord c when c.InvoiceId is { } id && invoices.ContainsKey(id):
                    Reduce(id, new ArReduction(c.IssueDate, c.Amount, IsPayment: false));
                    break;
                case CreditNoteRecord c:
                    Account(c.CustomerId).Credits.Add(new ArCredit(c.IssueDate, rates.Convert(c.Amount, c.Currency, c.IssueDate)));
                    break;
                case ContactRecord c:
                    Account(c.CustomerId).Actions.Add(new ArAction(calendar.DateOf(c.OccurredAt), c.ActionKind, c.Automated, c.DunningLevel, c.Invoices));
                    break;
                case PromiseRecord p:
                    var madeOn = calendar.DateOf(known.FirstSeenAt.GetValueOrDefault(p.Key, p.ChangedAt));
                    // At the rate of its first invoice's date, like the invoice itself (a promised date may lie ahead of any rate).
                    var rateDate = p.InvoiceIds.Select(invoices.GetValueOrDefault).FirstOrDefault(i => i?.Currency == p.Currency)?.IssueDate ?? madeOn;
                    Account(p.CustomerId).Promises.Add(new ArPromise(
                        p.Id, madeOn, p.PromisedDate, p.PromisedDate.AddDays(p.ToleranceDays), p.Amount, rates.Convert(p.Amount, p.Currency, rateDate),
                        p.InvoiceIds, p.State == PromiseState.Withdrawn));
                    break;
                case DisputeRecord d:
                    Account(d.CustomerId).Disputes.Add(new ArDispute(d.Id, d.InvoiceId, d.Opened, d.Outcome is null ? null : d.Resolved ?? calendar.DateOf(d.ChangedAt)));
                    break;
            }
        }

        foreach (var i in invoices.Values)
        {
            DateOnly? writtenOffOn = i.WrittenOff ? calendar.DateOf(known.WrittenOffAt.GetValueOrDefault(i.Id, i.ChangedAt)) : null;
            Account(i.CustomerId).Invoices.Add(new ArInvoice(i, rates.RateOn(i.Currency, i.IssueDate), writtenOffOn, reductions.GetValueOrDefault(i.Id) ?? []));
        }

        foreach (var c in customers.Keys)
        {
            Account(c);
        }

        return new ArBook(rates.ReportingCurrency, accounts.Values.OrderBy(a => a.CustomerId, StringComparer.Ordinal).ToList());
    }
}
