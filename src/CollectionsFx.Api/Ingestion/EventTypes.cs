using System.Text.Json;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Blobs;

namespace CollectionsFx.Api.Ingestion;

/// <summary>
/// The CloudEvents types CollectionsFx accepts and how each one's <c>data</c> becomes a ledger record.
/// Each type has a JSON Schema in Ingestion/Schemas; a test proves schema and mapping require the same fields.
/// </summary>
public static class EventTypes
{
    public const string Customer = "com.collectionsfx.customer.upserted";
    public const string Invoice = "com.collectionsfx.invoice.upserted";
    public const string Payment = "com.collectionsfx.payment.upserted";
    public const string CreditNote = "com.collectionsfx.creditnote.upserted";
    public const string DisputeOpened = "com.collectionsfx.dispute.opened";
    public const string DisputeResolved = "com.collectionsfx.dispute.resolved";
    public const string PromiseRecorded = "com.collectionsfx.promise.recorded";
    public const string ContactLogged = "com.collectionsfx.contact.logged";

    /// <summary>All accepted types.</summary>
    public static readonly IReadOnlyList<string> All =
        [Customer, Invoice, Payment, CreditNote, DisputeOpened, DisputeResolved, PromiseRecorded, ContactLogged];

    internal const int MaxAllocations = 500;

    /// <summary>The envelope values a record takes from its CloudEvent.</summary>
    internal sealed record Envelope(long? Version, DateTimeOffset ChangedAt, string Resource);

    /// <summary>Maps <c>data</c> of a known type to a record, or returns the field errors.</summary>
    internal static (LedgerRecord? Record, IReadOnlyList<FieldError> Errors) Map(string type, JsonElement data, Envelope envelope)
    {
        var f = new FieldReader(data, "data");
        if (data.ValueKind != JsonValueKind.Object)
        {
            f.Fail("", "must be a JSON object");
            return (null, f.Errors);
        }

        var version = f.OptionalLong("version") ?? envelope.Version;
        var changedBy = f.OptionalString("changedBy") ?? envelope.Resource;
        LedgerRecord? record = type switch
        {
            Customer => MapCustomer(f),
            Invoice => MapInvoice(f),
            Payment => MapPayment(f),
            CreditNote => MapCreditNote(f),
            DisputeOpened => MapDispute(f, resolved: false),
            DisputeResolved => MapDispute(f, resolved: true),
            PromiseRecorded => MapPromise(f),
            ContactLogged => MapContact(f),
            _ => null,
        };

        if (version is null)
        {
            f.Fail("version", "is required when the event has no 'time'");
        }

        return f.Errors.Count > 0 || record is null
            ? (null, f.Errors)
            : (record with { Version = version!.Value, ChangedAt = envelope.ChangedAt, Resource = changedBy }, []);
    }

    private static CustomerRecord MapCustomer(FieldReader f)
    {
        var id = f.RequiredString("customerId");
        var country = f.RequiredString("country", 2);
        if (country.Length > 0 && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
        {
            f.Fail("country", "must be an ISO 3166-1 alpha-2 code such as DE");
        }

        return new CustomerRecord
        {
            Id = id, CustomerId = id, Version = 0, ChangedAt = default, Resource = string.Empty,
            Name = f.RequiredString("name"),
            Country = country,
            Currency = f.RequiredCurrency("currency"),
            Segment = f.OptionalEnum<Segment>("segment") ?? Segment.Smb,
            PaymentTermsDays = f.OptionalInt("paymentTermsDays", 0, 365) ?? 30,
            CreditLimit = f.OptionalAmount("creditLimit") ?? 0m,
            Collector = f.OptionalString("collector"),
            Email = f.OptionalString("email", 320),
            CrmAccountId = f.OptionalString("crmAccountId"),
            DunningBlock = f.OptionalBool("dunningBlock"),
            CreditHold = f.OptionalBool("creditHold"),
            Company = f.OptionalString("company", 100),
        };
    }

    private static InvoiceRecord MapInvoice(FieldReader f)
    {
        var issue = f.RequiredDate("issueDate");
        var due = f.RequiredDate("dueDate");
        if (issue != default && due != default && due < issue)
        {
            f.Fail("dueDate", "must not be before issueDate");
        }

        return new InvoiceRecord
        {
            Id = f.RequiredString("invoiceId"), CustomerId = f.RequiredString("customerId"), Version = 0, ChangedAt = default, Resource = string.Empty,
            IssueDate = issue,
            DueDate = due,
            Amount = f.RequiredAmount("amount"),
            Currency = f.RequiredCurrency("currency"),
            Paperless = f.OptionalBool("paperless"),
            Cancelled = f.OptionalBool("cancelled"),
            WrittenOff = f.OptionalBool("writtenOff"),
        };
    }

    private static PaymentRecord MapPayment(FieldReader f)
    {
        var amount = f.RequiredAmount("amount");
        var allocations = new List<Allocation>();
        var items = f.OptionalArray("allocations", MaxAllocations);
        for (var i = 0; i < items.Count; i++)
        {
            var a = f.Nested(items[i], "allocations", i);
            allocations.Add(new Allocation(a.RequiredString("invoiceId"), a.RequiredAmount("amount", allowZero: false)));
            f.Absorb(a);
        }

        if (allocations.GroupBy(a => a.InvoiceId).Any(g => g.Count() > 1))
        {
            f.Fail("allocations", "must name each invoice once");
        }

        if (allocations.Sum(a => a.Amount) > amount)
        {
            f.Fail("allocations", "must not allocate more than the payment amount");
        }

        return new PaymentRecord
        {
            Id = f.RequiredString("paymentId"), CustomerId = f.RequiredString("customerId"), Version = 0, ChangedAt = default, Resource = string.Empty,
            ValueDate = f.RequiredDate("valueDate"),
            Amount = amount,
            Currency = f.RequiredCurrency("currency"),
            Allocations = allocations,
        };
    }

    private static CreditNoteRecord MapCreditNote(FieldReader f) => new()
    {
        Id = f.RequiredString("creditNoteId"), CustomerId = f.RequiredString("customerId"), Version = 0, ChangedAt = default, Resource = string.Empty,
        IssueDate = f.RequiredDate("issueDate"),
        Amount = f.RequiredAmount("amount"),
        Currency = f.RequiredCurrency("currency"),
        InvoiceId = f.OptionalString("invoiceId"),
    };

    private static DisputeRecord MapDispute(FieldReader f, bool resolved)
    {
        var opened = f.RequiredDate("openedOn");
        DateOnly? resolvedOn = resolved ? f.RequiredDate("resolvedOn") : null;
        DisputeOutcome? outcome = resolved ? f.RequiredEnum<DisputeOutcome>("outcome") : null;
        if (resolvedOn is { } r && opened != default && r != default && r < opened)
        {
            f.Fail("resolvedOn", "must not be before openedOn");
        }

        return new DisputeRecord
        {
            Id = f.RequiredString("disputeId"), CustomerId = f.RequiredString("customerId"), Version = 0, ChangedAt = default, Resource = string.Empty,
            InvoiceId = f.RequiredString("invoiceId"),
            ReasonCode = f.RequiredString("reasonCode", 40),
            Opened = opened,
            Resolved = resolvedOn,
            Outcome = outcome,
        };
    }

    private static PromiseRecord MapPromise(FieldReader f)
    {
        var invoiceIds = StringItems(f, f.RequiredArray("invoiceIds", 200), "invoiceIds");
        if (invoiceIds.Count == 0 && !f.Errors.Any(e => e.Field.StartsWith("data.invoiceIds", StringComparison.Ordinal)))
        {
            f.Fail("invoiceIds", "must name at least one invoice");
        }

        return new PromiseRecord
        {
            Id = f.RequiredString("promiseId"), CustomerId = f.RequiredString("customerId"), Version = 0, ChangedAt = default, Resource = string.Empty,
            InvoiceIds = invoiceIds,
            PromisedDate = f.RequiredDate("promisedDate"),
            Amount = f.RequiredAmount("amount", allowZero: false),
            Currency = f.RequiredCurrency("currency"),
            ToleranceDays = f.OptionalInt("toleranceDays", 0, 60) ?? 2,
            State = f.OptionalEnum<PromiseState>("state") ?? PromiseState.Open,
        };
    }

    private static ContactRecord MapContact(FieldReader f)
    {
        return new ContactRecord
        {
            Id = f.RequiredString("actionId"), CustomerId = f.RequiredString("customerId"), Version = 0, ChangedAt = default, Resource = string.Empty,
            ActionKind = f.RequiredEnum<ActionKind>("kind"),
            InvoiceId = f.OptionalString("invoiceId"),
            OccurredAt = f.RequiredInstant("occurredAt"),
            Automated = f.OptionalBool("automated"),
            Notes = f.OptionalString("notes", 2000),
            InvoiceIds = StringItems(f, f.OptionalArray("invoiceIds", 500), "invoiceIds") is { Count: > 0 } ids ? ids : null,
            DunningLevel = f.OptionalInt("dunningLevel", 1, 4),
        };
    }

    private static List<string> StringItems(FieldReader f, List<JsonElement> items, string field)
    {
        var values = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].ValueKind == JsonValueKind.String && items[i].GetString() is { Length: > 0 } id)
            {
                values.Add(id);
            }
            else
            {
                f.Fail($"{field}[{i}]", "must be a non-empty string");
            }
        }

        return values;
    }
}
