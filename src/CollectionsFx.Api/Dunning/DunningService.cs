using CollectionsFx.Api.Actions;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Storage.Mail;
using CollectionsFx.Storage.Scoring;
using CollectionsFx.Storage.Tasks;
using CollectionsFx.Workflows.Actions;
using CollectionsFx.Workflows.Dunning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Api.Dunning;

/// <summary>Dunning settings (section <c>Dunning</c>).</summary>
public sealed class DunningOptions
{
    public const string Section = "Dunning";

    /// <summary>Sender of dunning mail; replies go to the collector when the collector's address is known.</summary>
    public string From { get; set; } = "accounts-receivable@collectionsfx.local";

    /// <summary>The company name printed under the signature.</summary>
    public string CompanyName { get; set; } = "CollectionsFx demo company";

    /// <summary>Domain of collectors' reply-to addresses (<c>{collector}@{domain}</c>); none when empty.</summary>
    public string? CollectorMailDomain { get; set; }

    /// <summary>Who approves steps that need it, in escalation order.</summary>
    public List<string> Approvers { get; set; } = ["collections-manager", "head-of-credit"];

    /// <summary>Playbook days each approver has before the request escalates to the next.</summary>
    public double ApprovalDays { get; set; } = 2;

    /// <summary>Overrides the playbooks' day length (tests: milliseconds); with it, days count from the host's start.</summary>
    public TimeSpan? DayLength { get; set; }

    /// <summary>With <see cref="DayLength"/>: the instant days count from instead of the host's start (hosts that restart share it).</summary>
    public DateTimeOffset? ClockStart { get; set; }

    /// <summary>Who requests for sales support are assigned to (the CRM's account owner when it maps this name).</summary>
    public string? SalesSupportOwner { get; set; }

    /// <summary>Mailbox that also receives requests for sales support; none when empty.</summary>
    public string? SalesSupportAddress { get; set; }

    /// <summary>The hour (0-23, tenant's time zone) of the daily check that every customer to dun has its cycle.</summary>
    public int DailyHour { get; set; } = 6;

    /// <summary>Days before the promised date the customer is reminded of a promise.</summary>
    public int PromiseReminderDays { get; set; } = 2;
}

/// <summary>
/// The work of a dunning cycle (<see cref="IDunningActions"/>) over the insights book and the stores: the customer's view as
/// known today, the notice sent by its step's channel (e-mail through the outbox, a CRM case, a call task, a request for sales
/// support, a credit hold in the ERP), and approval requests as tasks in the approver's list.
/// </summary>
public sealed partial class DunningService(
    AccountReader accounts, PlaybookSet playbooks, ScoreStore scores, ExactlyOnceMailer mailer, NoticeRenderer renderer, ActionLog actionLog,
    ICollectionActions actions, TaskStore tasks, UndeliveredNotices undelivered, Experiments.ExperimentService experiments, IOptions<DunningOptions> options, TimeProvider time,
    ILogger<DunningService> logger) : IDunningActions
{

    /// <inheritdoc />
    public async Task<DunningView> LoadViewAsync(string customerId, CancellationToken cancellationToken)
    {
        var (account, today) = await AccountAsync(customerId, cancellationToken).ConfigureAwait(false);
        var band = (await scores.CustomerAsync(customerId, cancellationToken).ConfigureAwait(false))?.RiskBand;
        var segment = Enum.TryParse<Segment>(account?.Segment, out var s) ? s : Segment.Smb;
        // A customer in a running experiment is dunned with its arm's playbook, one in a promoted experiment's population with its winner's.
        var playbook = await experiments.PlaybookForAsync(customerId, segment, band, cancellationToken).ConfigureAwait(false) ?? playbooks.For(segment, band);
        return new DunningView(
            playbook, accounts.Clock, account is null ? [] : Items(account, today), account?.DunningBlock ?? false,
            options.Value.Approvers, options.Value.ApprovalDays * accounts.DayLength);
    }

    /// <inheritdoc />
    public async Task<NoticeResult> SendNoticeAsync(NoticeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var span = Diagnostics.Telemetry.StartFrom("dunning.notice", request.TraceParent, kind: System.Diagnostics.ActivityKind.Internal);
        span?.SetTag("cfx.customer", request.CustomerId);
        span?.SetTag("cfx.step", request.Notice.Step.Id);
        var result = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        span?.SetTag("cfx.outcome", result.Outcome);
        // Reaching here the notice went out (now or before) or needs no sending: an earlier dead letter of it is settled.
        await undelivered.ResolveAsync(request.Key, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc />
    public Task DeadLetterAsync(UndeliveredNotice notice, CancellationToken cancellationToken) => undelivered.AddAsync(notice, cancellationToken);

    private async Task<NoticeResult> SendAsync(NoticeRequest request, CancellationToken cancellationToken)
    {
        // Paid since the decision: those lines go; with none left nothing is sent.
        var (account, today) = await AccountAsync(request.CustomerId, cancellationToken).ConfigureAwait(false);
        var open = account is null ? [] : Items(account, today).Where(i => i.Open > 0).ToDictionary(i => i.InvoiceId, StringComparer.Ordinal);
        var lines = request.Notice.Lines.Where(l => open.ContainsKey(l.InvoiceId)).Select(l => l with { Open = open[l.InvoiceId].Open }).ToList();
        if (lines.Count == 0 || account is null)
        {
            return new NoticeResult(false, "nothing left open");
        }

        var notice = request.Notice with { Lines = lines, Total = lines.Sum(l => open[l.InvoiceId].OpenReporting) };
        var invoices = lines.Select(l => l.InvoiceId).ToList();
        var summary = Summary(account, notice, request.ApprovedBy);
        ActionResult done;
        switch (notice.Step.Channel)
        {
            case DunningChannel.Email:
                return await EmailAsync(request, account, notice, cancellationToken).ConfigureAwait(false);
            case DunningChannel.CrmEscalation:
                done = await actions.EscalateAsync(new EscalationRequest(
                    request.CustomerId, request.Key, $"Collections escalation: {account.Name} ({request.CustomerId})", summary, true, invoices), cancellationToken).ConfigureAwait(false);
                break;
            case DunningChannel.CallTask:
                done = await actions.CreateTaskAsync(new TaskRequest(
                    request.CustomerId, request.Key, "call", $"Call {account.Name} about {lines.Count} overdue invoice(s)", summary, today.AddDays(1), false, invoices), cancellationToken).ConfigureAwait(false);
                break;
            case DunningChannel.SalesSupport:
                var risk = await scores.CustomerAsync(request.CustomerId, cancellationToken).ConfigureAwait(false);
                summary += risk is null ? " Not scored yet." : $" Risk band {risk.RiskBand}, likelihood to pay {risk.Likelihood.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)}.";
                done = await actions.CreateTaskAsync(new TaskRequest(
                    request.CustomerId, request.Key, "sales-support", $"Sales support needed: {account.Name} is {lines.Max(l => l.DaysOverdue)} days overdue", summary, today.AddDays(2), false, invoices), cancellationToken).ConfigureAwait(false);
                break;
            case DunningChannel.CreditHold:
                done = await actions.SetCreditHoldAsync(new CreditHoldRequest(request.CustomerId, request.Key, true, summary), cancellationToken).ConfigureAwait(false);
                break;
            default:
                return new NoticeResult(false, $"channel {notice.Step.Channel} is not connected");
        }

        return new NoticeResult(done.Done, done.Outcome);
    }

    private async Task<NoticeResult> EmailAsync(NoticeRequest request, ArAccount account, DunningNotice notice, CancellationToken cancellationToken)
    {
        if (account.Email is not { Length: > 0 } to)
        {
            return new NoticeResult(false, "the customer has no e-mail address");
        }

        var o = options.Value;
        var text = renderer.Render(notice, NoticeParties.Of(account, o.CompanyName), Language(account.Country));
        var replyTo = o.CollectorMailDomain is { Length: > 0 } domain && account.Collector != ArAccount.Unassigned ? $"{account.Collector}@{domain}" : null;
        var outcome = await mailer.SendOnceAsync(
            request.CustomerId, request.Key, id => new EmailMessage(id, o.From, replyTo, to, text.Subject, text.Html, text.Text, Diagnostics.Telemetry.CorrelationId(request.TraceParent)), cancellationToken).ConfigureAwait(false);
        if (outcome.Sent)
        {
            // The action goes into the ledger (and so the event log and the cost KPIs), once: its id is the notice's.
            await actionLog.RecordAsync(new ActionLog.Entry(
                request.CustomerId, "notice-" + request.Key, ActionKind.Email, true, "automation", [.. notice.Lines.Select(l => l.InvoiceId)], null,
                LedgerLevel(notice.Step.Template)), cancellationToken).ConfigureAwait(false);
        }

        return new NoticeResult(outcome.Sent, outcome.Outcome);
    }

    /// <summary>The notice in words for a person or a CRM record: what is overdue, since when, and who approved the step.</summary>
    private static string Summary(ArAccount account, DunningNotice notice, string? approvedBy)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var lines = string.Join("; ", notice.Lines.Select(l => $"{l.InvoiceId} due {l.DueDate:yyyy-MM-dd}, {l.Open.ToString("N2", invariant)} {l.Currency} open, {l.DaysOverdue} days overdue"));
        return $"{account.Name} ({account.CustomerId}), step {notice.Step.Id} (level {notice.Level}): {lines}. Total {notice.Total.ToString("N2", invariant)} in the reporting currency."
            + (approvedBy is null ? "" : $" Approved by {approvedBy}.");
    }

    /// <inheritdoc />
    public async Task RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (account, today) = await AccountAsync(request.CustomerId, cancellationToken).ConfigureAwait(false);
        // A visible task in the approver's list; an escalation to the next approver adds an urgent one for them.
        await tasks.AddAsync(new WorkTask(
            request.CustomerId, $"{request.Key}/approval/{request.Round}", "approval", request.Approver, $"Approve {request.Notice.Step.Id} for {account?.Name ?? request.CustomerId}",
            account is null ? $"Step {request.Notice.Step.Id}" : Summary(account, request.Notice, null), today.AddDays((int)Math.Ceiling(options.Value.ApprovalDays)),
            request.Round > 1, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        LogApproval(logger, request.Approver, request.Key, request.Notice.Step.Id, request.Round);
    }

    /// <summary>
    /// The event log's dunning level of a notice (DOMAIN.md §2: reminders 1-3, final notice 4) from its template; a courtesy
    /// reminder before the due date, or any other mail, is a plain e-mail contact.
    /// </summary>
    public static int? LedgerLevel(string template) => template switch
    {
        "reminder-1" => 1,
        "reminder-2" => 2,
        "reminder-3" => 3,
        "final-notice" => 4,
        _ => null,
    };

    /// <summary>The language of a customer's notices, from its country (German and French speaking countries; English otherwise).</summary>
    public static string Language(string country) => country switch
    {
        "DE" or "AT" or "CH" or "LI" => "de",
        "FR" or "BE" or "LU" or "MC" => "fr",
        _ => "en",
    };

    private async Task<(ArAccount? Account, DateOnly Today)> AccountAsync(string customerId, CancellationToken ct)
    {
        var today = accounts.Today();
        return (await accounts.AccountAsync(customerId, today, ct).ConfigureAwait(false), today);
    }

    /// <summary>
    /// Open invoices with their holds on <paramref name="today"/> (an open dispute, an open promise covering them) and their
    /// promise level (promises covering them that were broken).
    /// </summary>
    public static List<DunningItem> Items(ArAccount account, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(account);
        var promises = PromiseEvaluator.States(account, today);
        return [.. account.Invoices.Where(i => i.IsOnBook(today) && i.OpenOn(today) > 0).Select(i => new DunningItem(
            i.Id, i.DueDate, i.OpenOn(today), i.OpenReportingOn(today), i.Currency,
            Disputed: account.Disputes.Any(d => d.InvoiceId == i.Id && d.IsOpenOn(today)),
            Promised: promises.Any(p => p.State == PromiseState.Open && p.Promise.InvoiceIds.Contains(i.Id)),
            PromiseLevel: promises.Count(p => p.State == PromiseState.Broken && p.Promise.InvoiceIds.Contains(i.Id))))];
    }

    [LoggerMessage(1, LogLevel.Information, "Approval of {Key} (step {Step}) requested from {Approver}, round {Round}")]
    private static partial void LogApproval(ILogger logger, string approver, string key, string step, int round);
}

/// <summary>Starts dunning cycles: one instance per customer, a second start is a no-op (the status is asked first, ADR 004).</summary>
public static class DunningStarter
{
    /// <summary>Starts the customer's cycle unless it runs; <paramref name="now"/> names the cycle (part of its notices' keys).</summary>
    public static async Task<(string InstanceId, bool Started)> StartAsync(
        Microsoft.DurableTask.Client.DurableTaskClient client, string customerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A cycle that ended (all paid) starts again when something new falls due: a new cycle, whose notices are its own.
        var id = DunningCycle.InstanceId(customerId);
        var input = new DunningCycleInput(customerId, Cycle: now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff", System.Globalization.CultureInfo.InvariantCulture), TraceParent: Diagnostics.Telemetry.CurrentTraceParent());
        return (id, await DurableStarts.StartOnceAsync(client, nameof(DunningCycle), id, input, cancellationToken, restartCompleted: true).ConfigureAwait(false));
    }
}
