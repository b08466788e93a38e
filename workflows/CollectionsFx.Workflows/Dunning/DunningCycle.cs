using CollectionsFx.Domain.Dunning;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Workflows.Dunning;

/// <summary>
/// The state a dunning cycle carries from one wake-up to the next (its input; <see cref="Iteration"/> counts the
/// ContinueAsNew generations): the level already sent per invoice, the promise level already answered per invoice (a broken
/// promise above it raises the next notice), a snooze and a block set by people, whether this cycle put the customer on
/// credit hold (released when the cycle ends with nothing open), and <see cref="Cycle"/>, set by whoever started the cycle
/// (its start instant) and part of every notice's key, so a cycle started again after one that ended can send its own notices.
/// </summary>
public sealed record DunningCycleInput(
    string CustomerId, int Iteration = 0, IReadOnlyDictionary<string, int>? LevelsSent = null, DateOnly? SnoozedUntil = null, bool Blocked = false,
    IReadOnlyDictionary<string, int>? PromiseLevelsSeen = null, bool CreditHoldSet = false, string? Cycle = null, string? TraceParent = null);

/// <summary>
/// What a wake-up needs to decide, loaded by an activity: the customer's playbook, the clock of playbook days, its open items
/// (with their holds), the ERP's dunning block, and who approves steps (in escalation order) and how long each may take.
/// </summary>
public sealed record DunningView(
    Playbook Playbook, DunningClock Clock, IReadOnlyList<DunningItem> Items, bool CustomerBlocked, IReadOnlyList<string> Approvers, TimeSpan ApprovalTimeout);

/// <summary>A notice to send once: <see cref="Key"/> (<see cref="DunningCycle.NoticeKey"/>) is its idempotency key.</summary>
/// <remarks><see cref="TraceParent"/>: the trace of what led to the notice (the start or the last ledger change), for the correlation id.</remarks>
public sealed record NoticeRequest(string CustomerId, string Key, DunningNotice Notice, string? ApprovedBy, string? TraceParent = null);

/// <summary>What sending did ("sent", "already sent", "nothing left open", …).</summary>
public sealed record NoticeResult(bool Sent, string Outcome);

/// <summary>
/// A notice or mail that could not be delivered after its retries (the mail server or the CRM down): kept as a dead letter
/// with <see cref="Error"/> (which raises the dead-letter alert); the cycle offers the same <see cref="Key"/> again later.
/// </summary>
public sealed record UndeliveredNotice(string CustomerId, string Key, string What, string Error);

/// <summary>A request to <see cref="Approver"/> (round <see cref="Round"/> of the escalation) to approve a notice.</summary>
public sealed record ApprovalRequest(string CustomerId, string Key, DunningNotice Notice, string Approver, int Round);

/// <summary>A manager's answer, raised as the external event <see cref="DunningCycle.ApprovalEvent"/>.</summary>
public sealed record ApprovalDecision(bool Approved, string By, string? Note = null);

/// <summary>
/// Something that changes the cycle's course, raised as the external event <see cref="DunningCycle.SignalEvent"/>: <c>snooze</c>
/// (until a date), <c>block</c>, <c>unblock</c>, or a ledger change (<c>payment</c>, <c>dispute</c>, <c>promise</c>,
/// <c>creditNote</c>, <c>changed</c>) after which the cycle looks again at once.
/// </summary>
public sealed record DunningSignal(string Kind, DateOnly? Until = null, string? By = null, string? TraceParent = null);

/// <summary>How a cycle ended.</summary>
public sealed record DunningOutcome(string CustomerId, int Iterations, string Reason);

/// <summary>The work of dunning, implemented by the application (both faces register it).</summary>
public interface IDunningActions
{
    Task<DunningView> LoadViewAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>Sends the notice by its step's channel exactly once per key (an outbox row is written before sending).</summary>
    Task<NoticeResult> SendNoticeAsync(NoticeRequest request, CancellationToken cancellationToken);

    Task RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken);

    /// <summary>Keeps an undelivered notice as a dead letter (one per key: a repeat replaces it) and logs it for the alert.</summary>
    Task DeadLetterAsync(UndeliveredNotice notice, CancellationToken cancellationToken);
}

/// <summary>
/// One customer's dunning (DOMAIN.md §6), instance id <c>dunning-{customerId}</c>. Each generation: load the view, decide with
/// the pure <see cref="DunningDecider"/>, ask for approval where the step says so (raced against a timer, escalating to the
/// next approver on timeout), send the one consolidated notice, then sleep until the next review or a signal, and
/// ContinueAsNew, so the history stays one generation long however many years a customer is dunned.
/// </summary>
public sealed class DunningCycle : TaskOrchestrator<DunningCycleInput, DunningOutcome>
{
    /// <summary>External event that changes the cycle's course.</summary>
    public const string SignalEvent = "signal";

    /// <summary>External event carrying a manager's approval decision.</summary>
    public const string ApprovalEvent = "approval";

    /// <summary>With nothing scheduled (every item held or at its last step) the cycle still looks again after this many playbook days.</summary>
    public const int IdleDays = 30;

    /// <summary>Reads are cheap to retry; a send is retried fewer times, with more patience (its outbox makes a retry safe).</summary>
    public static readonly TaskOptions ReadRetry = new(new TaskRetryOptions(new RetryPolicy(5, TimeSpan.FromSeconds(2), 2.0)));

    public static readonly TaskOptions SendRetry = new(new TaskRetryOptions(new RetryPolicy(4, TimeSpan.FromSeconds(30), 2.0, TimeSpan.FromMinutes(10))));

    /// <summary>How long after an undelivered notice (its retries spent) the cycle offers it again: an hour of playbook time.</summary>
    public const int RedeliverPerDay = 24;

    /// <summary>
    /// <see cref="SendRetry"/> on the playbook's clock: its waits shrink with a compressed day (tests), never below 50 ms, so
    /// a test's mail outage is as many playbook hours as a real one.
    /// </summary>
    public static TaskOptions SendRetryFor(DunningClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var scale = clock.DayLength / TimeSpan.FromDays(1);
        if (scale >= 1)
        {
            return SendRetry;
        }

        static TimeSpan Scaled(TimeSpan wait, double by) => TimeSpan.FromMilliseconds(Math.Max(50, wait.TotalMilliseconds * by));
        return new(new TaskRetryOptions(new RetryPolicy(4, Scaled(TimeSpan.FromSeconds(30), scale), 2.0, Scaled(TimeSpan.FromMinutes(10), scale))));
    }

    /// <summary>
    /// Calls <paramref name="activity"/> (a send: mail, CRM, ERP) with <paramref name="retry"/>; when every attempt failed, keeps
    /// <paramref name="undelivered"/> as a dead letter and returns null instead of failing the orchestration (the caller
    /// decides whether to offer it again).
    /// </summary>
    public static async Task<T?> CallOrDeadLetterAsync<T>(TaskOrchestrationContext context, string activity, object request, TaskOptions retry, UndeliveredNotice undelivered)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(undelivered);
        try
        {
            return await context.CallActivityAsync<T>(activity, request, retry);
        }
        catch (TaskFailedException ex)
        {
            var error = ex.FailureDetails?.ErrorMessage is { Length: > 0 } message ? message : ex.Message;
            await context.CallActivityAsync(nameof(DeadLetterNotice), undelivered with { Error = error }, ReadRetry);
            return null;
        }
    }

    /// <summary>The instance id of a customer's cycle.</summary>
    public static string InstanceId(string customerId) => "dunning-" + customerId;

    /// <summary>
    /// The idempotency key of a notice: the instance, the cycle, the level and a digest of its lines (each invoice at the level
    /// this notice takes it to). It names what the notice says, not the generation that decided it: a generation run twice (a
    /// start message delivered again after a host was killed, a restored older state) decides the same notice and finds it
    /// sent, while a later notice of the same step that takes another invoice to it is a new key.
    /// </summary>
    public static string NoticeKey(string instanceId, string? cycle, DunningNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var lines = string.Join(",", notice.Lines.Select(l => $"{l.InvoiceId}@{l.Level}").Order(StringComparer.Ordinal));
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(lines)))[..16];
        return cycle is null ? $"{instanceId}/L{notice.Level}/{digest}" : $"{instanceId}/{cycle}/L{notice.Level}/{digest}";
    }

    /// <inheritdoc />
    public override async Task<DunningOutcome> RunAsync(TaskOrchestrationContext context, DunningCycleInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var log = context.CreateReplaySafeLogger<DunningCycle>();
        var view = await context.CallActivityAsync<DunningView>(nameof(LoadDunningView), input.CustomerId, ReadRetry);
        var today = view.Clock.DateOf(context.CurrentUtcDateTime);
        var sent = input.LevelsSent ?? new Dictionary<string, int>();
        var seen = input.PromiseLevelsSeen ?? new Dictionary<string, int>();
        var decision = DunningDecider.Decide(view.Playbook, view.Items, sent, today, input.Blocked || view.CustomerBlocked, input.SnoozedUntil, seen);
        if (decision.Done)
        {
            if (input.CreditHoldSet)
            {
                await context.CallActivityAsync<Actions.ActionResult>(
                    nameof(Actions.SetCreditHold), new Actions.CreditHoldRequest(input.CustomerId, $"{context.InstanceId}/{input.Iteration}/release", false, "everything dunned is paid"), Actions.ActionRetries.Crm);
            }

            log.LogInformation("Dunning of {Customer} ends: {Reason}", input.CustomerId, decision.Reason);
            return new DunningOutcome(input.CustomerId, input.Iteration + 1, decision.Reason);
        }

        // Only the items still open are remembered: the state stays as small as the customer's open items.
        var levels = view.Items.Where(i => i.Open > 0 && sent.ContainsKey(i.InvoiceId)).ToDictionary(i => i.InvoiceId, i => sent[i.InvoiceId], StringComparer.Ordinal);
        var creditHold = input.CreditHoldSet;
        var answered = view.Items.Where(i => i.Open > 0 && seen.ContainsKey(i.InvoiceId)).ToDictionary(i => i.InvoiceId, i => seen[i.InvoiceId], StringComparer.Ordinal);
        if (decision.Notice is { } notice)
        {
            var key = NoticeKey(context.InstanceId, input.Cycle, notice);
            var (go, approvedBy) = notice.Step.RequiresApproval ? await ApproveAsync(context, input.CustomerId, view, notice, key) : (true, null);
            if (go)
            {
                var result = await CallOrDeadLetterAsync<NoticeResult>(context, nameof(SendDunningNotice), new NoticeRequest(input.CustomerId, key, notice, approvedBy, input.TraceParent),
                    SendRetryFor(view.Clock), new UndeliveredNotice(input.CustomerId, key, $"{notice.Step.Id} ({notice.Step.Channel})", string.Empty));
                if (result is null)
                {
                    // Undelivered: the items keep their levels, so the next generation decides the same notice (same key: a send
                    // that did reach the server is not repeated) an hour of playbook time from now.
                    log.LogWarning("Dunning {Key}: step {Step} undelivered after its retries; dead-lettered, offered again later", key, notice.Step.Id);
                    await SleepAndContinueAsync(context, input with { Iteration = input.Iteration + 1 }, context.CurrentUtcDateTime + (view.Clock.DayLength / RedeliverPerDay));
                    return new DunningOutcome(input.CustomerId, input.Iteration + 1, "undelivered");
                }

                creditHold |= result.Sent && notice.Step.Channel == DunningChannel.CreditHold;
                log.LogInformation("Dunning {Key}: step {Step}, {Lines} invoices: {Outcome}", key, notice.Step.Id, notice.Lines.Count, result.Outcome);
            }
            else
            {
                log.LogWarning("Dunning {Key}: step {Step} was not approved; the items move on to the next step", key, notice.Step.Id);
            }

            var promiseLevels = view.Items.ToDictionary(i => i.InvoiceId, i => i.PromiseLevel, StringComparer.Ordinal);
            foreach (var line in notice.Lines)
            {
                levels[line.InvoiceId] = Math.Max(levels.GetValueOrDefault(line.InvoiceId), line.Level);
                if (promiseLevels.GetValueOrDefault(line.InvoiceId) > 0)
                {
                    answered[line.InvoiceId] = promiseLevels[line.InvoiceId];
                }
            }
        }

        var next = input with { Iteration = input.Iteration + 1, LevelsSent = levels, PromiseLevelsSeen = answered, CreditHoldSet = creditHold };
        var wakeAt = decision.NextReview is { } review ? view.Clock.RunTimeOf(review) : context.CurrentUtcDateTime + (IdleDays * view.Clock.DayLength);
        await SleepAndContinueAsync(context, next, wakeAt);
        return new DunningOutcome(input.CustomerId, input.Iteration + 1, "continued");
    }

    /// <summary>Sleeps until <paramref name="wakeAt"/> or a signal (applied to <paramref name="next"/>), then continues as new.</summary>
    private static async Task SleepAndContinueAsync(TaskOrchestrationContext context, DunningCycleInput next, DateTime wakeAt)
    {
        using (var cancel = new CancellationTokenSource())
        {
            var signal = context.WaitForExternalEvent<DunningSignal>(SignalEvent, cancel.Token);
            var timer = context.CreateTimer(wakeAt, cancel.Token);
            if (await Task.WhenAny(signal, timer) == signal)
            {
                next = Apply(next, await signal);
            }

            cancel.Cancel();
        }

        context.ContinueAsNew(next);
    }

    /// <summary>A signal's effect on the state; ledger changes only wake the cycle (the next view reads them).</summary>
    public static DunningCycleInput Apply(DunningCycleInput state, DunningSignal signal)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(signal);
        // What woke the cycle is what its next notice is correlated with.
        state = signal.TraceParent is { } trace ? state with { TraceParent = trace } : state;
        return signal.Kind switch
        {
            "snooze" => state with { SnoozedUntil = signal.Until },
            "block" => state with { Blocked = true },
            "unblock" => state with { Blocked = false, SnoozedUntil = null },
            _ => state,
        };
    }

    /// <summary>Asks each approver in turn, each raced against the approval timeout; (false, null) when nobody answered.</summary>
    private static async Task<(bool Approved, string? By)> ApproveAsync(TaskOrchestrationContext context, string customerId, DunningView view, DunningNotice notice, string key)
    {
        for (var round = 0; round < view.Approvers.Count; round++)
        {
            await context.CallActivityAsync(nameof(RequestDunningApproval), new ApprovalRequest(customerId, key, notice, view.Approvers[round], round + 1), ReadRetry);
            using var cancel = new CancellationTokenSource();
            var answer = context.WaitForExternalEvent<ApprovalDecision>(ApprovalEvent, cancel.Token);
            var timeout = context.CreateTimer(context.CurrentUtcDateTime + view.ApprovalTimeout, cancel.Token);
            var first = await Task.WhenAny(answer, timeout);
            cancel.Cancel();
            if (first == answer)
            {
                var decision = await answer;
                return (decision.Approved, decision.By);
            }
        }

        return (false, null);
    }
}

/// <summary>Loads a customer's dunning view.</summary>
public sealed class LoadDunningView(IDunningActions actions) : TaskActivity<string, DunningView>
{
    public override Task<DunningView> RunAsync(TaskActivityContext context, string input) => actions.LoadViewAsync(input, CancellationToken.None);
}

/// <summary>Sends one notice exactly once.</summary>
public sealed class SendDunningNotice(IDunningActions actions) : TaskActivity<NoticeRequest, NoticeResult>
{
    public override Task<NoticeResult> RunAsync(TaskActivityContext context, NoticeRequest input) => actions.SendNoticeAsync(input, CancellationToken.None);
}

/// <summary>Keeps an undelivered notice as a dead letter.</summary>
public sealed class DeadLetterNotice(IDunningActions actions) : TaskActivity<UndeliveredNotice, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, UndeliveredNotice input)
    {
        await actions.DeadLetterAsync(input, CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}

/// <summary>Asks a manager to approve a step.</summary>
public sealed class RequestDunningApproval(IDunningActions actions) : TaskActivity<ApprovalRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ApprovalRequest input)
    {
        await actions.RequestApprovalAsync(input, CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}
