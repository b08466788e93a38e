using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Tests.Ledger;

/// <summary>Small builders for ledger records in tests.</summary>
internal static class Build
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    public static CustomerRecord Customer(string id = "C1", long version = 1, bool dunningBlock = false, int terms = 30) => new()
    {
        Id = id, CustomerId = id, Version = version, ChangedAt = T0.AddMinutes(version), Resource = "erp",
        Name = "Customer " + id, Country = "DE", Currency = "EUR", DunningBlock = dunningBlock, PaymentTermsDays = terms,
    };

    public static InvoiceRecord Invoice(string id, decimal amount, long version = 1, string customer = "C1", int dueInDays = 30, bool cancelled = false) => new()
    {
        Id = id, CustomerId = customer, Version = version, ChangedAt = T0.AddMinutes(version), Resource = "erp",
        IssueDate = new DateOnly(2026, 1, 5), DueDate = new DateOnly(2026, 1, 5).AddDays(dueInDays), Amount = amount, Currency = "EUR", Cancelled = cancelled,
    };

    public static PaymentRecord Payment(string id, decimal amount, long version = 1, string customer = "C1", params (string Invoice, decimal Amount)[] allocations) => new()
    {
        Id = id, CustomerId = customer, Version = version, ChangedAt = T0.AddHours(version), Resource = "erp",
        ValueDate = new DateOnly(2026, 2, 1), Amount = amount, Currency = "EUR",
        Allocations = allocations.Select(a => new Allocation(a.Invoice, a.Amount)).ToList(),
    };

    public static CreditNoteRecord CreditNote(string id, decimal amount, string? invoiceId, long version = 1) => new()
    {
        Id = id, CustomerId = "C1", Version = version, ChangedAt = T0.AddHours(version), Resource = "erp",
        IssueDate = new DateOnly(2026, 2, 1), Amount = amount, Currency = "EUR", InvoiceId = invoiceId,
    };

    public static DisputeRecord Dispute(string id, string invoiceId, DisputeOutcome? outcome = null, long version = 1) => new()
    {
        Id = id, CustomerId = "C1", Version = version, ChangedAt = T0.AddDays(version), Resource = "crm",
        InvoiceId = invoiceId, ReasonCode = "PRICE", Opened = new DateOnly(2026, 2, 3),
        Outcome = outcome, Resolved = outcome is null ? null : new DateOnly(2026, 2, 20),
    };

    public static PromiseRecord Promise(string id, PromiseState state, long version, params string[] invoices) => new()
    {
        Id = id, CustomerId = "C1", Version = version, ChangedAt = T0.AddDays(version), Resource = "crm",
        InvoiceIds = invoices, PromisedDate = new DateOnly(2026, 3, 1), Amount = 100m, Currency = "EUR", State = state,
    };

    public static ContactRecord Contact(string id, ActionKind kind, string? invoiceId = null) => new()
    {
        Id = id, CustomerId = "C1", Version = 1, ChangedAt = T0, Resource = "u.collector", ActionKind = kind,
        InvoiceId = invoiceId, OccurredAt = T0.AddHours(3),
    };
}
