using CollectionsFx.Domain.Ledger;
using static CollectionsFx.Domain.Tests.Ledger.Build;
using LedgerModel = CollectionsFx.Domain.Ledger.Ledger;

namespace CollectionsFx.Domain.Tests.Ledger;

public sealed class LedgerTests
{
    private static (LedgerModel Ledger, List<LedgerEvent> Log) Apply(params LedgerRecord[] records)
    {
        var ledger = new LedgerModel();
        var log = new List<LedgerEvent>();
        foreach (var r in records)
        {
            log.AddRange(ledger.Apply(r).Events);
        }

        return (ledger, log);
    }

    public static TheoryData<decimal, InvoiceStatus, decimal, string> Payments => new()
    {
        { 40m, InvoiceStatus.PartiallyPaid, 60m, Activities.ReceivePartialPayment },
        { 100m, InvoiceStatus.Paid, 0m, Activities.ClearInvoice },
        { 120m, InvoiceStatus.Paid, -20m, Activities.ClearInvoice },
    };

    [Theory]
    [MemberData(nameof(Payments))]
    public void Payment_allocation_reduces_the_open_amount_and_logs_the_clearing_activity(decimal paid, InvoiceStatus status, decimal open, string activity)
    {
        var (ledger, log) = Apply(Invoice("I1", 100m), Payment("P1", paid, 1, "C1", ("I1", paid)));

        var invoice = ledger.Invoice("I1")!;
        Assert.Equal(status, invoice.Status);
        Assert.Equal(open, invoice.OpenAmount);
        Assert.Equal([Activities.CreateInvoice, Activities.ReceivePayment, activity], log.Select(e => e.Activity));
        Assert.Equal("I1", log[^1].CaseId);
    }

    [Fact]
    public void One_payment_over_several_invoices_clears_each_and_keeps_the_rest_unapplied()
    {
        var (ledger, log) = Apply(Invoice("I1", 100m), Invoice("I2", 50m), Payment("P1", 200m, 1, "C1", ("I1", 100m), ("I2", 30m)));

        Assert.Equal(InvoiceStatus.Paid, ledger.Invoice("I1")!.Status);
        Assert.Equal(20m, ledger.Invoice("I2")!.OpenAmount);
        Assert.Equal(70m, ((PaymentRecord)ledger.Find(new EntityKey(EntityKind.Payment, "P1"))!).Unapplied);
        Assert.Contains(log, e => e is { Activity: Activities.ClearInvoice, CaseId: "I1", Amount: 100m });
        Assert.Contains(log, e => e is { Activity: Activities.ReceivePartialPayment, CaseId: "I2", Amount: 30m });
    }

    [Fact]
    public void Payment_that_arrives_before_its_invoice_counts_once_the_invoice_arrives()
    {
        var (ledger, log) = Apply(Payment("P1", 100m, 1, "C1", ("I1", 100m)), Invoice("I1", 100m));

        Assert.Equal(InvoiceStatus.Paid, ledger.Invoice("I1")!.Status);
        Assert.Equal([Activities.ReceivePayment, Activities.CreateInvoice, Activities.ClearInvoice], log.Select(e => e.Activity));
    }

    [Fact]
    public void Newer_payment_version_without_the_allocation_reverses_the_clearing()
    {
        var (ledger, log) = Apply(Invoice("I1", 100m), Payment("P1", 100m, 1, "C1", ("I1", 100m)), Payment("P1", 100m, 2, "C1"));

        Assert.Equal(InvoiceStatus.Open, ledger.Invoice("I1")!.Status);
        Assert.Equal(100m, ledger.Invoice("I1")!.OpenAmount);
        Assert.Equal(Activities.ReverseClearing, log[^1].Activity);
        Assert.Equal(100m, log[^1].Amount);
    }

    [Theory]
    [InlineData(1, 2, ApplyOutcome.Stale)]
    [InlineData(2, 2, ApplyOutcome.Duplicate)]
    [InlineData(3, 2, ApplyOutcome.Applied)]
    public void An_older_version_never_overwrites_a_newer_one(long second, long first, ApplyOutcome expected)
    {
        var ledger = new LedgerModel();
        ledger.Apply(Invoice("I1", 100m, first));

        var result = ledger.Apply(Invoice("I1", 999m, second));

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(expected == ApplyOutcome.Applied ? 999m : 100m, ledger.Invoice("I1")!.Invoice.Amount);
        Assert.Equal(expected == ApplyOutcome.Applied, result.Events.Count > 0);
    }

    [Fact]
    public void Credit_note_naming_an_invoice_offsets_it_and_one_without_does_not()
    {
        var (ledger, log) = Apply(Invoice("I1", 100m), CreditNote("CN1", 100m, "I1"), Invoice("I2", 100m), CreditNote("CN2", 30m, null));

        Assert.Equal(InvoiceStatus.Paid, ledger.Invoice("I1")!.Status);
        Assert.Equal(InvoiceStatus.Open, ledger.Invoice("I2")!.Status);
        Assert.Contains(log, e => e is { Activity: Activities.IssueCreditNote, CaseId: "I1" });
        Assert.Contains(log, e => e is { Activity: Activities.ClearInvoice, CaseId: "I1" });
        Assert.Contains(log, e => e is { Activity: Activities.IssueCreditNote, CaseId: "CN2", ObjectType: "creditNote" });
    }

    [Fact]
    public void Open_dispute_marks_the_invoice_disputed_until_resolved()
    {
        var ledger = new LedgerModel();
        ledger.Apply(Invoice("I1", 100m));
        var opened = ledger.Apply(Dispute("D1", "I1"));
        Assert.Equal(InvoiceStatus.Disputed, ledger.Invoice("I1")!.Status);

        var resolved = ledger.Apply(Dispute("D1", "I1", DisputeOutcome.Rejected, 2));

        Assert.Equal(InvoiceStatus.Open, ledger.Invoice("I1")!.Status);
        Assert.Equal(Activities.OpenDispute, Assert.Single(opened.Events).Activity);
        Assert.Equal(("Resolve Dispute", "Rejected"), (resolved.Events[0].Activity, resolved.Events[0].NewValue));
    }

    [Theory]
    [InlineData(PromiseState.Kept, Activities.PromiseKept, 0)]
    [InlineData(PromiseState.PartiallyKept, Activities.PromisePartiallyKept, 0)]
    [InlineData(PromiseState.Broken, Activities.PromiseBroken, 1)]
    [InlineData(PromiseState.Withdrawn, Activities.WithdrawPromise, 0)]
    public void Promise_state_change_logs_one_event_per_invoice_and_broken_promises_raise_the_promise_level(PromiseState state, string activity, int level)
    {
        var (ledger, log) = Apply(Invoice("I1", 100m), Invoice("I2", 100m), Promise("PR1", PromiseState.Open, 1, "I1", "I2"));
        Assert.True(ledger.Invoice("I1")!.Promised);

        var result = ledger.Apply(Promise("PR1", state, 2, "I1", "I2"));

        Assert.Equal(2, log.Count(e => e.Activity == Activities.RecordPromiseToPay));
        Assert.Equal(["I1", "I2"], result.Events.Where(e => e.Activity == activity).Select(e => e.CaseId));
        Assert.Equal(level, ledger.Invoice("I2")!.PromiseLevel);
        Assert.False(ledger.Invoice("I1")!.Promised);
    }

    [Theory]
    [InlineData(ActionKind.Call, Activities.CallCustomer)]
    [InlineData(ActionKind.Email, Activities.EmailCustomer)]
    [InlineData(ActionKind.CrmEscalation, Activities.EscalateInCrm)]
    [InlineData(ActionKind.SalesSupportRequest, Activities.RequestSalesSupport)]
    public void Logged_contact_becomes_its_activity_at_the_time_it_happened(ActionKind kind, string activity)
    {
        var (_, log) = Apply(Contact("A1", kind, "I1"));

        var e = Assert.Single(log);
        Assert.Equal((activity, "I1", "u.collector"), (e.Activity, e.CaseId, e.Resource));
        Assert.Equal(T0.AddHours(3), e.Timestamp);
    }

    [Theory]
    [InlineData(1, Activities.SendReminderL1)]
    [InlineData(2, Activities.SendReminderL2)]
    [InlineData(3, Activities.SendReminderL3)]
    [InlineData(4, Activities.FinalNotice)]
    public void A_dunning_notice_logs_its_level_on_every_invoice_it_lists(int level, string activity)
    {
        var notice = Contact("N1", ActionKind.Email, "I1") with { DunningLevel = level, InvoiceIds = ["I2", "I1", "I3"], Automated = true };

        var (_, log) = Apply(notice);

        Assert.Equal(["I1", "I2", "I3"], log.Select(e => e.CaseId));
        Assert.All(log, e => Assert.Equal(activity, e.Activity));
    }

    [Fact]
    public void A_contact_without_invoices_is_logged_on_the_customer()
    {
        var (_, log) = Apply(Contact("A1", ActionKind.Call));

        var e = Assert.Single(log);
        Assert.Equal(("C1", "customer"), (e.CaseId, e.ObjectType));
    }

    [Fact]
    public void Customer_changes_log_the_vocabulary_activities()
    {
        var (_, log) = Apply(Customer(), Customer(version: 2, dunningBlock: true, terms: 45), Customer(version: 3, terms: 45));

        Assert.Equal(
            [Activities.CreateCustomer, Activities.SetDunningBlock, Activities.ChangePaymentTerms, Activities.RemoveDunningBlock],
            log.Select(e => e.Activity));
        Assert.Equal(("30 days", "45 days"), (log[2].OldValue, log[2].NewValue));
    }

    [Fact]
    public void Every_accepted_record_is_carried_by_exactly_one_event()
    {
        LedgerRecord[] records = [Customer(), Invoice("I1", 100m), Payment("P1", 100m, 1, "C1", ("I1", 100m)), Customer(version: 2), Invoice("I1", 100m, 2)];
        var (_, log) = Apply(records);

        Assert.Equal(records, log.Where(e => e.Record is not null).Select(e => e.Record!));
        Assert.Equal("Update Customer", log.Single(e => e.Record == records[3]).Activity);
    }

    [Fact]
    public void Invoice_activities_come_from_the_domain_vocabulary()
    {
        var (_, log) = Apply(
            Invoice("I1", 100m), Invoice("I1", 100m, 2, dueInDays: 45), Dispute("D1", "I1"), Promise("PR1", PromiseState.Broken, 1, "I1"),
            Payment("P1", 50m, 1, "C1", ("I1", 50m)), CreditNote("CN1", 50m, "I1"));

        var invoiceActivities = log.Where(e => e.ObjectType == "invoice").Select(e => e.Activity).ToList();
        Assert.NotEmpty(invoiceActivities);
        Assert.All(invoiceActivities, a => Assert.Contains(a, Activities.Vocabulary));
        Assert.Equal(29, Activities.Vocabulary.Count);
    }

    [Theory]
    [InlineData("2026-02-04", 10, false)] // due today is not overdue
    [InlineData("2026-02-05", 10, true)]
    [InlineData("2026-02-05", 0, false)]
    public void Overdue_means_past_due_with_something_open(string today, int open, bool overdue)
    {
        var state = new InvoiceState(Invoice("I1", 100m), open, InvoiceStatus.Open, false, 0, false);

        Assert.Equal(overdue, state.IsOverdue(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
