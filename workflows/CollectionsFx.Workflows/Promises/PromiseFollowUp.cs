using System.Globalization;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Workflows.Actions;
using CollectionsFx.Workflows.Dunning;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Workflows.Promises;

/// <summary>Which promise to follow up.</summary>
public sealed record PromiseFollowUpInput(string CustomerId, string PromiseId, string? TraceParent = null);

/// <summary>
/// A promise as the follow-up sees it today: its state as recorded in the ledger (Open until the verdict is recorded, or
/// Withdrawn, or a verdict the CRM sent), dates, what was promised and what has been paid
/// toward it since it was made, the clock of days, and how many days before the promised date to remind.
/// </summary>
public sealed record PromiseView(
    string CustomerId, string PromiseId, PromiseState State, DateOnly MadeOn, DateOnly PromisedDate, DateOnly Deadline, decimal Amount, decimal Paid, string Currency,
    IReadOnlyList<string> InvoiceIds, DunningClock Clock, int ReminderDaysBefore);

/// <summary>A mail about a promise (<c>promise-confirmation</c> or <c>promise-reminder</c>), sent once per key.</summary>
public sealed record PromiseMailRequest(string CustomerId, string PromiseId, string Template, string Key, string? TraceParent = null);

/// <summary>
/// The promise's evaluation as recorded in the ledger, and the other promise broken within 90 days when the two make the
/// broken promise pattern.
/// </summary>
public sealed record PromiseVerdict(PromiseState State, decimal Paid, string? PatternWith);

/// <summary>How a follow-up ended.</summary>
public sealed record PromiseOutcome(string PromiseId, PromiseState State, bool Escalated, bool PatternEscalated, string Reason);

/// <summary>The work of a promise follow-up, implemented by the application (both faces register it).</summary>
public interface IPromiseActions
{
    /// <summary>The promise as known today; null when the ledger has no such promise.</summary>
    Task<PromiseView?> LoadPromiseAsync(PromiseFollowUpInput input, CancellationToken cancellationToken);

    Task<NoticeResult> SendPromiseMailAsync(PromiseMailRequest request, CancellationToken cancellationToken);

    /// <summary>Evaluates the promise as of today (DOMAIN.md §4) and records the outcome in the ledger, once.</summary>
    Task<PromiseVerdict> RecordVerdictAsync(PromiseFollowUpInput input, CancellationToken cancellationToken);
}

/// <summary>
/// One promise to pay (DOMAIN.md §4), instance id <c>promise-{promiseId}</c>: confirms it to the customer (when made today or
/// yesterday), reminds a few days
/// before the promised date (unless it is already paid), and the day after the promised date + tolerance records Kept,
/// Partially Kept or Broken. Dunning of the covered invoices pauses while the promise is open (the dunning view reads the
/// ledger); a broken promise raises their promise level, so the dunning cycle resumes at the next level, and opens a CRM case;
/// a second broken promise within 90 days (the broken promise pattern) adds an urgent case and a task for the collector.
/// A <c>changed</c> event (payment, withdrawal) makes it look again at once.
/// </summary>
public sealed class PromiseFollowUp : TaskOrchestrator<PromiseFollowUpInput, PromiseOutcome>
{
    /// <summary>External event raised when the customer's ledger changed.</summary>
    public const string ChangedEvent = "changed";

    /// <summary>The instance id of a promise's follow-up.</summary>
    public static string InstanceId(string promiseId) => "promise-" + promiseId;

    /// <inheritdoc />
    public override async Task<PromiseOutcome> RunAsync(TaskOrchestrationContext context, PromiseFollowUpInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var log = context.CreateReplaySafeLogger<PromiseFollowUp>();
        var view = await LoadAsync(context, input);
        if (view is null || view.State != PromiseState.Open)
        {
            return new PromiseOutcome(input.PromiseId, view?.State ?? PromiseState.Withdrawn, false, false, view is null ? "no such promise" : $"already {view.State}");
        }

        var key = context.InstanceId;
        // A promise learnt days after it was made (an import, a late CRM sync) was confirmed by whoever took it.
        if (view.Clock.DateOf(context.CurrentUtcDateTime).DayNumber - view.MadeOn.DayNumber <= 1)
        {
            await SendAsync(context, view, new PromiseMailRequest(input.CustomerId, input.PromiseId, "promise-confirmation", key + "/confirmation", input.TraceParent));
        }

        // The reminder: a few days before the promised date, unless paid by then or the date is too close.
        var remindOn = view.PromisedDate.AddDays(-view.ReminderDaysBefore);
        if (view.Clock.DateOf(context.CurrentUtcDateTime) < remindOn)
        {
            view = await SleepUntilAsync(context, input, view, remindOn);
            if (view is null || view.State != PromiseState.Open)
            {
                return Ended(input, view);
            }

            if (view.Paid < view.Amount)
            {
                await SendAsync(context, view, new PromiseMailRequest(input.CustomerId, input.PromiseId, "promise-reminder", key + "/reminder", input.TraceParent));
            }
        }

        // The evaluation: the first day after the promised date + tolerance.
        view = await SleepUntilAsync(context, input, view, view.Deadline.AddDays(1));
        if (view is null || view.State != PromiseState.Open)
        {
            return Ended(input, view);
        }

        var verdict = await context.CallActivityAsync<PromiseVerdict>(nameof(RecordPromiseVerdict), input, DunningCycle.ReadRetry);
        log.LogInformation("Promise {Promise} of {Customer}: {State} ({Paid} of {Amount} {Currency} paid)", input.PromiseId, input.CustomerId, verdict.State, verdict.Paid, view.Amount, view.Currency);
        if (verdict.State != PromiseState.Broken)
        {
            return new PromiseOutcome(input.PromiseId, verdict.State, false, false, "evaluated");
        }

        var promised = $"{view.Amount.ToString("N2", CultureInfo.InvariantCulture)} {view.Currency} promised by {view.PromisedDate:yyyy-MM-dd} (tolerance to {view.Deadline:yyyy-MM-dd}) on {string.Join(", ", view.InvoiceIds)}; nothing paid.";
        await ActAsync(context, nameof(CreateCrmEscalation), new EscalationRequest(
            input.CustomerId, key + "/broken", $"Promise to pay {input.PromiseId} broken", promised + " Dunning resumes at the next level.", false, view.InvoiceIds), "CRM case for the broken promise");
        if (verdict.PatternWith is not { } other)
        {
            return new PromiseOutcome(input.PromiseId, PromiseState.Broken, true, false, "broken");
        }

        var pattern = $"Promises {other} and {input.PromiseId} broken within 90 days (broken promise pattern). {promised}";
        await ActAsync(context, nameof(CreateCrmEscalation), new EscalationRequest(
            input.CustomerId, key + "/pattern", $"Broken promise pattern: {input.CustomerId}", pattern, true, view.InvoiceIds), "CRM case for the broken promise pattern");
        await ActAsync(context, nameof(CreateCollectorTask), new TaskRequest(
            input.CustomerId, key + "/pattern-task", "broken-promises", $"Call {input.CustomerId}: second broken promise in 90 days",
            pattern + " Agree a payment plan or propose a credit hold.", view.Clock.DateOf(context.CurrentUtcDateTime).AddDays(1), true, view.InvoiceIds), "collector task for the broken promise pattern");
        return new PromiseOutcome(input.PromiseId, PromiseState.Broken, true, true, "broken promise pattern");
    }

    /// <summary>
    /// Sends a promise mail; undelivered after its retries, it is dead-lettered and the follow-up goes on without it (a
    /// confirmation or reminder sent late would arrive at the wrong time; the evaluation does not depend on it).
    /// </summary>
    private static async Task SendAsync(TaskOrchestrationContext context, PromiseView view, PromiseMailRequest request)
    {
        if (await DunningCycle.CallOrDeadLetterAsync<NoticeResult>(context, nameof(SendPromiseMail), request, DunningCycle.SendRetryFor(view.Clock),
            new UndeliveredNotice(request.CustomerId, request.Key, request.Template, string.Empty)) is null)
        {
            context.CreateReplaySafeLogger<PromiseFollowUp>().LogWarning("Promise mail {Key} undelivered after its retries; dead-lettered", request.Key);
        }
    }

    /// <summary>
    /// A CRM write (case or task) with the CRM's patient retries; a CRM down for longer leaves it as a dead letter for a person
    /// (its key makes a later manual or automatic write of the same case an update, not a second case).
    /// </summary>
    private static async Task ActAsync(TaskOrchestrationContext context, string activity, object request, string what)
    {
        var (customer, key) = request switch
        {
            EscalationRequest e => (e.CustomerId, e.Key),
            TaskRequest t => (t.CustomerId, t.Key),
            _ => throw new ArgumentException("not a CRM write", nameof(request)),
        };
        if (await DunningCycle.CallOrDeadLetterAsync<ActionResult>(context, activity, request, ActionRetries.Crm, new UndeliveredNotice(customer, key, what, string.Empty)) is null)
        {
            context.CreateReplaySafeLogger<PromiseFollowUp>().LogWarning("{What} ({Key}) not written after its retries; dead-lettered", what, key);
        }
    }

    private static PromiseOutcome Ended(PromiseFollowUpInput input, PromiseView? view) =>
        new(input.PromiseId, view?.State ?? PromiseState.Withdrawn, false, false, view is null ? "the promise is gone" : $"{view.State} before its date");

    private static Task<PromiseView?> LoadAsync(TaskOrchestrationContext context, PromiseFollowUpInput input) =>
        context.CallActivityAsync<PromiseView?>(nameof(LoadPromise), input, DunningCycle.ReadRetry);

    /// <summary>
    /// Sleeps until the playbook day <paramref name="day"/> begins, then reads the promise again (a payment may have come in);
    /// a change event wakes it earlier to read the promise at once (a withdrawal ends the follow-up).
    /// </summary>
    private static async Task<PromiseView?> SleepUntilAsync(TaskOrchestrationContext context, PromiseFollowUpInput input, PromiseView view, DateOnly day)
    {
        while (view.Clock.DateOf(context.CurrentUtcDateTime) < day)
        {
            using var cancel = new CancellationTokenSource();
            var changed = context.WaitForExternalEvent<string>(ChangedEvent, cancel.Token);
            var timer = context.CreateTimer(view.Clock.RunTimeOf(day), cancel.Token);
            await Task.WhenAny(changed, timer);
            cancel.Cancel();
            var fresh = await LoadAsync(context, input);
            if (fresh is null || fresh.State != PromiseState.Open)
            {
                return fresh;
            }

            view = fresh;
        }

        return view;
    }
}

/// <summary>Loads a promise.</summary>
public sealed class LoadPromise(IPromiseActions actions) : TaskActivity<PromiseFollowUpInput, PromiseView?>
{
    public override Task<PromiseView?> RunAsync(TaskActivityContext context, PromiseFollowUpInput input) => actions.LoadPromiseAsync(input, CancellationToken.None);
}

/// <summary>Sends a promise's confirmation or reminder once.</summary>
public sealed class SendPromiseMail(IPromiseActions actions) : TaskActivity<PromiseMailRequest, NoticeResult>
{
    public override Task<NoticeResult> RunAsync(TaskActivityContext context, PromiseMailRequest input) => actions.SendPromiseMailAsync(input, CancellationToken.None);
}

/// <summary>Evaluates a promise and records the outcome.</summary>
public sealed class RecordPromiseVerdict(IPromiseActions actions) : TaskActivity<PromiseFollowUpInput, PromiseVerdict>
{
    public override Task<PromiseVerdict> RunAsync(TaskActivityContext context, PromiseFollowUpInput input) => actions.RecordVerdictAsync(input, CancellationToken.None);
}
