using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Tests.Insights;

/// <summary>Builds ledgers with explicit business dates for KPI tests. Records change at 12:00 UTC of their business date unless told.</summary>
internal sealed class Ar
{
    private readonly List<LedgerRecord> records = [];
    private long version = 1;

    public static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset Noon(DateOnly date) => new(date.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    public IReadOnlyList<LedgerRecord> Records => records;

    public Ar Customer(string id, Segment segment = Segment.Smb, string country = "DE", string? collector = null, string? company = null)
    {
        records.Add(new CustomerRecord
        {
            Id = id, CustomerId = id, Version = version++, ChangedAt = Noon(D("2020-01-01")), Resource = "erp",
            Name = "Customer " + id, Country = country, Currency = "EUR", Segment = segment, Collector = collector, Company = company,
        });
        return this;
    }

    public Ar Invoice(string id, string issued, string due, decimal amount, string customer = "C1", string currency = "EUR", bool writtenOff = false, DateTimeOffset? changedAt = null, bool cancelled = false)
    {
        records.Add(new InvoiceRecord
        {
            Id = id, CustomerId = customer, Version = version++, ChangedAt = changedAt ?? Noon(D(issued)), Resource = "erp",
            IssueDate = D(issued), DueDate = D(due), Amount = amount, Currency = currency, WrittenOff = writtenOff, Cancelled = cancelled,
        });
        return this;
    }

    public Ar Pay(string id, string valueDate, decimal amount, string customer = "C1", DateTimeOffset? changedAt = null, params (string Invoice, decimal Amount)[] allocations)
    {
        records.Add(new PaymentRecord
        {
            Id = id, CustomerId = customer, Version = version++, ChangedAt = changedAt ?? Noon(D(valueDate)), Resource = "erp",
            ValueDate = D(valueDate), Amount = amount, Currency = "EUR", Allocations = allocations.Select(a => new Allocation(a.Invoice, a.Amount)).ToList(),
        });
        return this;
    }

    public Ar Credit(string id, string issued, decimal amount, string? invoiceId, string customer = "C1")
    {
        records.Add(new CreditNoteRecord
        {
            Id = id, CustomerId = customer, Version = version++, ChangedAt = Noon(D(issued)), Resource = "erp",
            IssueDate = D(issued), Amount = amount, Currency = "EUR", InvoiceId = invoiceId,
        });
        return this;
    }

    public Ar Promise(string id, string madeOn, string promised, decimal amount, int tolerance, params string[] invoices)
    {
        records.Add(new PromiseRecord
        {
            Id = id, CustomerId = "C1", Version = version++, ChangedAt = Noon(D(madeOn)), Resource = "crm",
            InvoiceIds = invoices, PromisedDate = D(promised), Amount = amount, Currency = "EUR", ToleranceDays = tolerance,
        });
        return this;
    }

    public Ar Action(string id, DateTimeOffset at, ActionKind kind, bool automated = false, int? level = null, string customer = "C1", params string[] invoices)
    {
        records.Add(new ContactRecord
        {
            Id = id, CustomerId = customer, Version = version++, ChangedAt = at, Resource = automated ? "automation" : "u.collector",
            ActionKind = kind, OccurredAt = at, Automated = automated, DunningLevel = level, InvoiceIds = invoices,
        });
        return this;
    }

    public Ar Add(LedgerRecord record)
    {
        records.Add(record);
        return this;
    }

    public ArBook Book(ExchangeRates? rates = null, BusinessCalendar? calendar = null) =>
        ArBook.Build(KnownLedger.Of(records), rates ?? new ExchangeRates("EUR"), calendar ?? BusinessCalendar.Utc);

    public KpiValues Kpis(string asOf, KpiPeriod? period = null, CostModel? costs = null)
    {
        var book = Book();
        return KpiCalculator.Compute(book, book.Accounts, D(asOf), period ?? KpiPeriod.MonthOf(D(asOf)), costs ?? CostModel.Default);
    }
}
