using System.Text.Json.Serialization;

namespace CollectionsFx.Domain.Ledger;

/// <summary>
/// One versioned snapshot of a ledger entity as a source system (ERP, CRM, a user) reported it.
/// The ledger keeps, per entity, the record with the highest <see cref="Version"/>: an older
/// version never overwrites a newer one, and the same version twice is a duplicate.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(CustomerRecord), "customer")]
[JsonDerivedType(typeof(InvoiceRecord), "invoice")]
[JsonDerivedType(typeof(PaymentRecord), "payment")]
[JsonDerivedType(typeof(CreditNoteRecord), "creditNote")]
[JsonDerivedType(typeof(DisputeRecord), "dispute")]
[JsonDerivedType(typeof(PromiseRecord), "promise")]
[JsonDerivedType(typeof(ContactRecord), "contact")]
[JsonDerivedType(typeof(ExperimentRecord), "experiment")]
public abstract record LedgerRecord
{
    /// <summary>The entity's own id (invoiceId, paymentId, ...).</summary>
    public required string Id { get; init; }

    /// <summary>The customer the entity belongs to; the ledger is partitioned by it.</summary>
    public required string CustomerId { get; init; }

    /// <summary>Source version (or change time in ticks): larger is newer.</summary>
    public required long Version { get; init; }

    /// <summary>When the change happened at the source (UTC).</summary>
    public required DateTimeOffset ChangedAt { get; init; }

    /// <summary>Who made the change: a user id, a source system, or <c>automation</c>.</summary>
    public required string Resource { get; init; }

    /// <summary>Kind of entity, used in keys: one per record type.</summary>
    [JsonIgnore]
    public abstract EntityKind Kind { get; }

    /// <summary>The ledger key of this entity.</summary>
    [JsonIgnore]
    public EntityKey Key => new(Kind, Id);
}

/// <summary>Entity kinds of the ledger.</summary>
public enum EntityKind
{
    Customer,
    Invoice,
    Payment,
    CreditNote,
    Dispute,
    Promise,
    Contact,
    Experiment,
}

/// <summary>Identifies one entity of the ledger.</summary>
public readonly record struct EntityKey(EntityKind Kind, string Id)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}:{Id}";
}

/// <summary>Customer segments used by playbooks and reporting.</summary>
public enum Segment
{
    Strategic,
    MidMarket,
    Smb,
}

/// <summary>Customer master data.</summary>
public sealed record CustomerRecord : LedgerRecord
{
    public required string Name { get; init; }
    public required string Country { get; init; }
    public required string Currency { get; init; }
    public Segment Segment { get; init; } = Segment.Smb;
    public int PaymentTermsDays { get; init; } = 30;
    public decimal CreditLimit { get; init; }
    public string? Collector { get; init; }
    public string? Email { get; init; }
    public string? CrmAccountId { get; init; }
    public bool DunningBlock { get; init; }
    public bool CreditHold { get; init; }

    /// <summary>The ERP company (legal entity) the customer is booked in; null for a single-company tenant.</summary>
    public string? Company { get; init; }

    /// <inheritdoc />
    public override EntityKind Kind => EntityKind.Customer;
}

/// <summary>An invoice as issued; its open amount and status are derived by the ledger.</summary>
public sealed record InvoiceRecord : LedgerRecord
{
    public required DateOnly IssueDate { get; init; }
    public required DateOnly DueDate { get; init; }
    public required decimal Amount { get; init; }
    public required string Currency { get; init; }
    public bool Paperless { get; init; }
    public bool Cancelled { get; init; }
    public bool WrittenOff { get; init; }

    /// <summary>Source columns CollectionsFx does not interpret (from extracts), kept for analysis.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <inheritdoc />
    public override EntityKind Kind => EntityKind.Invoice;

    /// <inheritdoc />
    public bool Equals(InvoiceRecord? other) =>
        other is not null && base.Equals(other) && IssueDate == other.IssueDate && DueDate == other.DueDate && Amount == other.Amount
        && Currency == other.Currency && Paperless == other.Paperless && Cancelled == other.Cancelled && WrittenOff == other.WrittenOff
        && (Attributes ?? EmptyAttributes).Count == (other.Attributes ?? EmptyAttributes).Count
        && (Attributes ?? EmptyAttributes).All(a => other.Attributes!.TryGetValue(a.Key, out var v) && v == a.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), IssueDate, DueDate, Amount, Currency);

    private static readonly Dictionary<string, string> EmptyAttributes = [];
}

/// <summary>Part of a payment applied to one invoice, in the invoice's currency.</summary>
public sealed record Allocation(string InvoiceId, decimal Amount);

/// <summary>A customer payment with its allocations; what is not allocated is unapplied cash.</summary>
public sealed record PaymentRecord : LedgerRecord
{
    public required DateOnly ValueDate { get; init; }
    public required decimal Amount { get; init; }
    public required string Currency { get; init; }
    public IReadOnlyList<Allocation> Allocations { get; init; } = [];

    /// <summary>Cash not applied to any invoice.</summary>
    public decimal Unapplied => Amount - Allocations.Sum(a => a.Amount);

    /// <inheritdoc />
    public override EntityKind Kind => EntityKind.Payment;

    /// <inheritdoc />
    public bool Equals(PaymentRecord? other) =>
        other is not null && base.Equals(other) && ValueDate == other.ValueDate && Amount == other.Amount
        && Currency == other.Currency && Allocations.SequenceEqual(other.Allocations);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), ValueDate, Amount, Currency, Allocations.Count);
}

/// <summary>A credit note; when it names an invoice it offsets that invoice's open amount.</summary>
public sealed record CreditNoteRecord : LedgerRecord
{
    public required DateOnly IssueDate { get; init; }
    public required decimal Amount { get; init; }
    public required string Currency { get; init; }
    public string? InvoiceId { get; init; }

    /// <inheritdoc />
    public override EntityKind Kind => EntityKind.CreditNote;
}

/// <summary>How a dispute ended.</summary>
public enum DisputeOutcome
{
    Accepted,
    Rejected,
    CreditNote,
}

/// <summary>A dispute on one invoice; open while <see cref="Outcome"/> is null.</summary>
public sealed record DisputeRecord : LedgerRecord
{
    public required string InvoiceId { get; init; }
    public required string ReasonCode { get; init; }
    public required DateOnly Opened { get; init; }
    public DateOnly? Resolved { get; init; }
    public DisputeOutcome? Outcome { get; init; }

    /// <summary>True while the dispute is not resolved.</summary>
    public bool IsOpen => Outcome is null;

    /// <inheritdoc />
    public override EntityKind Kind => EntityKind.Dispute;
}

/// <summary>Promise-to-pay states (DOMAIN.md §4).</summary>
public enum PromiseState
{
    Open,
    Kept,
    PartiallyKept,
    Broken,
    Withdrawn,
}

/// <summary>A customer's promise to pay some invoices by a date.</summary>
public sealed record PromiseRecord : LedgerRecord
{
    public required IReadOnlyList<string> InvoiceIds { get; init; }
    public required DateOnly PromisedDate { get; init; }
    public required decimal Amount { get; init; }
    public required string Currency { get; init; }
    public int ToleranceDays { get; init; } = 2;
    public PromiseState State { get; init; } = PromiseState.Open;

    /// <inheritdoc />
    public override EntityKind Kind => EntityKind.Promise;

    /// <inheritdoc />
    public bool Equals(PromiseRecord? other) =>
        other is not null && base.Equals(other) && InvoiceIds.SequenceEqual(other.InvoiceIds) && PromisedDate == other.PromisedDate
        && Amount == other.Amount && Currency == other.Currency && ToleranceDays == other.ToleranceDays && State == other.State;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), PromisedDate, Amount, Currency, ToleranceDays, State);
}

/// <summary>Kinds of collection actions (DOMAIN.md §1).</summary>
public enum ActionKind
{
    Email,
    Call,
    CrmEscalation,
    SalesSupportRequest,
    CreditHold,
    WriteOff,
}

/// <summary>A contact with the customer or an action taken on its account (logged from the CRM or by a workflow).</summary>
public sealed record ContactRecord : LedgerRecord
{
    public required ActionKind ActionKind { get; init; }
    public string? InvoiceId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public bool Automated { get; init; }
    public string? Notes { get; init; }

    /// <summary>Further invoices the contact covers (one reminder lists all of a customer's overdue invoices).</summary>
    public IReadOnlyList<string>? InvoiceIds { get; init; }

    /// <summary>Set when the contact is a dunning notice: 1-3 for reminder levels L1-L3, 4 for the final notice.</summary>
    public int? DunningLevel { get; init; }

    /// <summary>Every invoice the contact is about: <see cref="InvoiceId"/> first, then <see cref="InvoiceIds"/>, without repeats.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Invoices => (InvoiceId, InvoiceIds) switch
    {
        (null, null or { Count: 0 }) => [],
        ({ } one, null or { Count: 0 }) => [one],
        _ => (InvoiceId is null ? [] : new[] { InvoiceId }).Concat(InvoiceIds ?? []).Distinct(StringComparer.Ordinal).ToList(),
    };

    /// <inheritdoc />
    public override EntityKind Kind => EntityKind.Contact;

    /// <inheritdoc />
    public bool Equals(ContactRecord? other) =>
        other is not null && base.Equals(other) && ActionKind == other.ActionKind && InvoiceId == other.InvoiceId && OccurredAt == other.OccurredAt
        && Automated == other.Automated && Notes == other.Notes && DunningLevel == other.DunningLevel
        && (InvoiceIds ?? []).SequenceEqual(other.InvoiceIds ?? []);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), ActionKind, InvoiceId, OccurredAt, DunningLevel);
}

/// <summary>
/// A customer's place in a champion/challenger experiment (issue 8): <see cref="LedgerRecord.Id"/> is the experiment's id, the
/// arm and the playbook it dunns with. Written once when the customer is assigned (an assignment is for the experiment's
/// life), so the event log says from when a customer was dunned by which playbook.
/// </summary>
public sealed record ExperimentRecord : LedgerRecord
{
    public required string Arm { get; init; }
    public required string PlaybookId { get; init; }

    /// <inheritdoc />
    public override EntityKind Kind => EntityKind.Experiment;
}
