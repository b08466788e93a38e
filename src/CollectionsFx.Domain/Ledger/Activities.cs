namespace CollectionsFx.Domain.Ledger;

/// <summary>
/// Activity names of the event log. <see cref="Vocabulary"/> holds exactly the names of DOMAIN.md §2
/// (invoice cases). The few extension names record master-data and cash changes that have no
/// invoice case; see docs/adr/002-event-log.md.
/// </summary>
public static class Activities
{
    public const string CreateInvoice = "Create Invoice";
    public const string SendInvoice = "Send Invoice";
    public const string DueDatePassed = "Due Date Passed";
    public const string SendReminderL1 = "Send Reminder L1";
    public const string SendReminderL2 = "Send Reminder L2";
    public const string SendReminderL3 = "Send Reminder L3";
    public const string FinalNotice = "Final Notice";
    public const string SetDunningBlock = "Set Dunning Block";
    public const string RemoveDunningBlock = "Remove Dunning Block";
    public const string OpenDispute = "Open Dispute";
    public const string ResolveDispute = "Resolve Dispute";
    public const string RecordPromiseToPay = "Record Promise to Pay";
    public const string PromiseKept = "Promise Kept";
    public const string PromisePartiallyKept = "Promise Partially Kept";
    public const string PromiseBroken = "Promise Broken";
    public const string CallCustomer = "Call Customer";
    public const string EmailCustomer = "Email Customer";
    public const string EscalateInCrm = "Escalate in CRM";
    public const string RequestSalesSupport = "Request Sales Support";
    public const string Snooze = "Snooze";
    public const string SetCreditHold = "Set Credit Hold";
    public const string ReleaseCreditHold = "Release Credit Hold";
    public const string ChangePaymentTerms = "Change Payment Terms";
    public const string ChangeDueDate = "Change Due Date";
    public const string ReceivePartialPayment = "Receive Partial Payment";
    public const string ClearInvoice = "Clear Invoice";
    public const string ReverseClearing = "Reverse Clearing";
    public const string IssueCreditNote = "Issue Credit Note";
    public const string WriteOff = "Write Off";

    // Extension activities: changes without an activity in DOMAIN.md §2.
    public const string CreateCustomer = "Create Customer";
    public const string ReceivePayment = "Receive Payment";
    public const string CancelInvoice = "Cancel Invoice";
    public const string WithdrawPromise = "Withdraw Promise";
    public const string AssignExperimentArm = "Assign Experiment Arm";

    /// <summary>The activity names of DOMAIN.md §2, exactly.</summary>
    public static readonly IReadOnlySet<string> Vocabulary = new HashSet<string>(StringComparer.Ordinal)
    {
        CreateInvoice, SendInvoice, DueDatePassed, SendReminderL1, SendReminderL2, SendReminderL3, FinalNotice,
        SetDunningBlock, RemoveDunningBlock, OpenDispute, ResolveDispute, RecordPromiseToPay, PromiseKept,
        PromisePartiallyKept, PromiseBroken, CallCustomer, EmailCustomer, EscalateInCrm, RequestSalesSupport, Snooze,
        SetCreditHold, ReleaseCreditHold, ChangePaymentTerms, ChangeDueDate, ReceivePartialPayment, ClearInvoice,
        ReverseClearing, IssueCreditNote, WriteOff,
    };

    /// <summary>The fallback activity for a newer version of an entity that changed nothing the vocabulary names.</summary>
    public static string Update(EntityKind kind) => kind switch
    {
        EntityKind.CreditNote => "Update Credit Note",
        _ => "Update " + kind,
    };
}
