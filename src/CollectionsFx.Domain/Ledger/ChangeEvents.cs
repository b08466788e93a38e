using System.Globalization;

namespace CollectionsFx.Domain.Ledger;

/// <summary>Decides which event-log entries an accepted record produces, by comparing it with the version it replaces.</summary>
internal static class ChangeEvents
{
    private const string InvoiceObject = "invoice";

    public static void ForRecord(LedgerRecord? old, LedgerRecord record, List<LedgerEvent> events)
    {
        switch (record)
        {
            case CustomerRecord c:
                Customer(old as CustomerRecord, c, events);
                break;
            case InvoiceRecord i:
                Invoice(old as InvoiceRecord, i, events);
                break;
            case PaymentRecord p when old is null:
                events.Add(Event(p, p.Id, "payment", Activities.ReceivePayment, p.Amount, p.Currency));
                break;
            case CreditNoteRecord c when old is null:
                events.Add(Event(c, c.InvoiceId ?? c.Id, c.InvoiceId is null ? "creditNote" : InvoiceObject, Activities.IssueCreditNote, c.Amount, c.Currency, newValue: c.Id));
                break;
            case DisputeRecord d:
                Dispute(old as DisputeRecord, d, events);
                break;
            case PromiseRecord p:
                Promise(old as PromiseRecord, p, events);
                break;
            case ContactRecord c when old is null:
                Contact(c, events);
                break;
            case ExperimentRecord x when old is null:
                events.Add(Event(x, x.CustomerId, "customer", Activities.AssignExperimentArm, newValue: $"{x.Id}/{x.Arm}"));
                break;
        }
    }

    /// <summary>Events for a change of an invoice's open amount caused by <paramref name="cause"/>.</summary>
    public static void ForInvoiceBalance(LedgerRecord cause, InvoiceState? before, InvoiceState? after, List<LedgerEvent> events)
    {
        if (after is null)
        {
            return;
        }

        // A new invoice starts with nothing paid; payments that arrived before it count from there.
        var wasOpen = before?.OpenAmount ?? after.Invoice.Amount;
        var isOpen = after.OpenAmount;
        var id = after.Invoice.Id;
        var currency = after.Invoice.Currency;
        if (isOpen <= 0 && wasOpen > 0)
        {
            events.Add(Event(cause, id, InvoiceObject, Activities.ClearInvoice, wasOpen, currency, Money(wasOpen), Money(isOpen)));
        }
        else if (isOpen > wasOpen)
        {
            events.Add(Event(cause, id, InvoiceObject, Activities.ReverseClearing, isOpen - wasOpen, currency, Money(wasOpen), Money(isOpen)));
        }
        else if (isOpen < wasOpen && cause is PaymentRecord)
        {
            events.Add(Event(cause, id, InvoiceObject, Activities.ReceivePartialPayment, wasOpen - isOpen, currency, Money(wasOpen), Money(isOpen)));
        }
    }

    public static LedgerEvent Fallback(LedgerRecord record) =>
        Event(record, record.Id, record.Kind.ToString().ToLowerInvariant(), Activities.Update(record.Kind), newValue: record.Version.ToString(CultureInfo.InvariantCulture));

    private static void Customer(CustomerRecord? old, CustomerRecord c, List<LedgerEvent> events)
    {
        if (old is null)
        {
            events.Add(Event(c, c.Id, "customer", Activities.CreateCustomer, newValue: c.Name));
            return;
        }

        if (old.DunningBlock != c.DunningBlock)
        {
            events.Add(Event(c, c.Id, "customer", c.DunningBlock ? Activities.SetDunningBlock : Activities.RemoveDunningBlock));
        }

        if (old.CreditHold != c.CreditHold)
        {
            events.Add(Event(c, c.Id, "customer", c.CreditHold ? Activities.SetCreditHold : Activities.ReleaseCreditHold));
        }

        if (old.PaymentTermsDays != c.PaymentTermsDays)
        {
            events.Add(Event(c, c.Id, "customer", Activities.ChangePaymentTerms, oldValue: Days(old.PaymentTermsDays), newValue: Days(c.PaymentTermsDays)));
        }
    }

    private static void Invoice(InvoiceRecord? old, InvoiceRecord i, List<LedgerEvent> events)
    {
        if (old is null)
        {
            events.Add(Event(i, i.Id, InvoiceObject, Activities.CreateInvoice, i.Amount, i.Currency));
            if (i.Cancelled)
            {
                events.Add(Event(i, i.Id, InvoiceObject, Activities.CancelInvoice));
            }

            if (i.WrittenOff)
            {
                events.Add(Event(i, i.Id, InvoiceObject, Activities.WriteOff, i.Amount, i.Currency));
            }

            return;
        }

        if (old.DueDate != i.DueDate)
        {
            events.Add(Event(i, i.Id, InvoiceObject, Activities.ChangeDueDate, oldValue: Date(old.DueDate), newValue: Date(i.DueDate)));
        }

        if (!old.Cancelled && i.Cancelled)
        {
            events.Add(Event(i, i.Id, InvoiceObject, Activities.CancelInvoice));
        }

        if (!old.WrittenOff && i.WrittenOff)
        {
            events.Add(Event(i, i.Id, InvoiceObject, Activities.WriteOff, i.Amount, i.Currency));
        }
    }

    private static void Dispute(DisputeRecord? old, DisputeRecord d, List<LedgerEvent> events)
    {
        if (old is null || (!old.IsOpen && d.IsOpen))
        {
            events.Add(Event(d, d.InvoiceId, InvoiceObject, Activities.OpenDispute, newValue: d.ReasonCode));
        }

        if (!d.IsOpen && (old is null || old.IsOpen))
        {
            events.Add(Event(d, d.InvoiceId, InvoiceObject, Activities.ResolveDispute, newValue: d.Outcome.ToString()));
        }
    }

    private static void Promise(PromiseRecord? old, PromiseRecord p, List<LedgerEvent> events)
    {
        var oldState = old?.State;
        foreach (var invoiceId in p.InvoiceIds)
        {
            if (old is null)
            {
                events.Add(Event(p, invoiceId, InvoiceObject, Activities.RecordPromiseToPay, p.Amount, p.Currency, newValue: Date(p.PromisedDate)));
            }

            if (p.State != PromiseState.Open && p.State != oldState)
            {
                var activity = p.State switch
                {
                    PromiseState.Kept => Activities.PromiseKept,
                    PromiseState.PartiallyKept => Activities.PromisePartiallyKept,
                    PromiseState.Broken => Activities.PromiseBroken,
                    _ => Activities.WithdrawPromise,
                };
                events.Add(Event(p, invoiceId, InvoiceObject, activity, p.Amount, p.Currency, oldState?.ToString(), p.State.ToString()));
            }
        }
    }

    private static void Contact(ContactRecord c, List<LedgerEvent> events)
    {
        var activity = c.DunningLevel is { } level ? DunningActivity(level) : ContactActivity(c.ActionKind);
        var any = false;
        foreach (var invoiceId in c.Invoices)
        {
            events.Add(Event(c, invoiceId, InvoiceObject, activity, newValue: c.Id) with { Timestamp = c.OccurredAt });
            any = true;
        }

        if (!any)
        {
            events.Add(Event(c, c.CustomerId, "customer", activity, newValue: c.Id) with { Timestamp = c.OccurredAt });
        }
    }

    private static string DunningActivity(int level) => level switch
    {
        1 => Activities.SendReminderL1,
        2 => Activities.SendReminderL2,
        3 => Activities.SendReminderL3,
        4 => Activities.FinalNotice,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Dunning levels are 1-3 (reminders) and 4 (final notice)."),
    };

    private static string ContactActivity(ActionKind kind) => kind switch
    {
        ActionKind.Email => Activities.EmailCustomer,
        ActionKind.Call => Activities.CallCustomer,
        ActionKind.CrmEscalation => Activities.EscalateInCrm,
        ActionKind.SalesSupportRequest => Activities.RequestSalesSupport,
        ActionKind.CreditHold => Activities.SetCreditHold,
        ActionKind.WriteOff => Activities.WriteOff,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown action kind."),
    };

    private static LedgerEvent Event(
        LedgerRecord r, string caseId, string objectType, string activity, decimal? amount = null, string? currency = null, string? oldValue = null, string? newValue = null) =>
        new(caseId, objectType, activity, r.ChangedAt, r.Resource, r.CustomerId, amount, currency, oldValue, newValue);

    private static string Money(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Days(int value) => value.ToString(CultureInfo.InvariantCulture) + " days";
}
