namespace CollectionsFx.Domain.Ledger;

/// <summary>Invoice statuses (DOMAIN.md §1).</summary>
public enum InvoiceStatus
{
    Open,
    PartiallyPaid,
    Paid,
    Disputed,
    WrittenOff,
    Cancelled,
}

/// <summary>An invoice with what the ledger derives for it from payments, credit notes, disputes and promises.</summary>
public sealed record InvoiceState(
    InvoiceRecord Invoice,
    decimal OpenAmount,
    InvoiceStatus Status,
    bool Disputed,
    int PromiseLevel,
    bool Promised)
{
    /// <summary>Overdue when today is after the due date and something is still open (due today is not overdue).</summary>
    public bool IsOverdue(DateOnly today) => today > Invoice.DueDate && OpenAmount > 0 && Status is not (InvoiceStatus.Cancelled or InvoiceStatus.WrittenOff);
}
