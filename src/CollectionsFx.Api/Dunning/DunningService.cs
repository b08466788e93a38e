using CollectionsFx.Api.Insights;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Storage.Mail;
using CollectionsFx.Storage.Scoring;
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
}

/// <summary>
/// The work of a dunning cycle (<see cref="IDunningActions"/>) over the insights book and the stores: the customer's view as
/// known today, the notice sent by its step's channel through the outbox, and approval requests. Only the e-mail channel is
/// connected so far; the others answer that they are not.
/// </summary>
public sealed partial class DunningService(
    InsightsService insights, ScoreStore scores, ExactlyOnceMailer mailer, NoticeRenderer renderer, ILedgerStore ledger,
    IOptions<DunningOptions> options, TimeProvider time, ILogger<DunningService> logger) : IDunningActions
{
    private readonly PlaybookSet playbooks = PlaybookSet.Default();
    private readonly DateTime started = time.GetUtcNow().UtcDateTime;

    /// <inheritdoc />
    public async Task<DunningView> LoadViewAsync(string customerId, CancellationToken cancellationToken)
    {
        var (account, today) = await AccountAsync(customerId, cancellationToken).ConfigureAwait(false);
        var band = (await scores.CustomerAsync(customerId, cancellationToken).ConfigureAwait(false))?.RiskBand;
        var segment = Enum.TryParse<Segment>(account?.Segment, out var s) ? s : Segment.Smb;
        var dayLength = options.Value.DayLength ?? playbooks.DayLength;
        var clock = dayLength == TimeSpan.FromDays(1)
            ? DunningClock.Daily(new DateOnly(2000, 1, 1), insights.Calendar.Zone)
            : new DunningClock(started, today, dayLength);
        return new DunningView(
            playbooks.For(segment, band), clock, account is null ? [] : Items(account, today), account?.DunningBlock ?? false,
            options.Value.Approvers, options.Value.ApprovalDays * dayLength);
    }

    /// <inheritdoc />
    public async Task<NoticeResult> SendNoticeAsync(NoticeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Notice.Step.Channel != DunningChannel.Email)
        {
            return new NoticeResult(false, $"channel {request.Notice.Step.Channel} is not connected yet");
        }

        // Paid since the decision: those lines go; with none left nothing is sent.
        var (account, today) = await AccountAsync(request.CustomerId, cancellationToken).ConfigureAwait(false);
        var open = account is null ? [] : Items(account, today).Where(i => i.Open > 0).ToDictionary(i => i.InvoiceId, StringComparer.Ordinal);
        var lines = request.Notice.Lines.Where(l => open.ContainsKey(l.InvoiceId)).Select(l => l with { Open = open[l.InvoiceId].Open }).ToList();
        if (lines.Count == 0 || account is null)
        {
            return new NoticeResult(false, "nothing left open");
        }

        if (account.Email is not { Length: > 0 } to)
        {
            return new NoticeResult(false, "the customer has no e-mail address");
        }

        var notice = request.Notice with { Lines = lines, Total = lines.Sum(l => open[l.InvoiceId].OpenReporting) };
        var o = options.Value;
        var collector = account.Collector == ArAccount.Unassigned ? "Accounts receivable" : account.Collector;
        var text = renderer.Render(notice, new NoticeParties(account.Name, collector, o.CompanyName), Language(account.Country));
        var replyTo = o.CollectorMailDomain is { Length: > 0 } domain && account.Collector != ArAccount.Unassigned ? $"{account.Collector}@{domain}" : null;
        var outcome = await mailer.SendOnceAsync(
            request.CustomerId, request.Key, id => new EmailMessage(id, o.From, replyTo, to, text.Subject, text.Html, text.Text), cancellationToken).ConfigureAwait(false);
        if (outcome.Sent)
        {
            // The action goes into the ledger (and so the event log and the cost KPIs), once: its dedupe key is the notice's.
            var at = time.GetUtcNow();
            await ledger.CommitAsync(request.CustomerId, [new IncomingRecord(new ContactRecord
            {
                Id = "notice-" + request.Key, CustomerId = request.CustomerId, Version = 1, ChangedAt = at, Resource = "automation",
                ActionKind = ActionKind.Email, OccurredAt = at, Automated = true, DunningLevel = LedgerLevel(notice.Step.Template), InvoiceIds = [.. lines.Select(l => l.InvoiceId)],
            }, "dunning:" + request.Key)], cancellationToken).ConfigureAwait(false);
        }

        return new NoticeResult(outcome.Sent, outcome.Outcome);
    }

    /// <inheritdoc />
    public Task RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        LogApproval(logger, request.Approver, request.Key, request.Notice.Step.Id, request.Round);
        return Task.CompletedTask;
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
        var today = insights.Today();
        var book = await (await insights.CurrentAsync(ct).ConfigureAwait(false)).BookAsOfAsync(today).ConfigureAwait(false);
        return (book.Accounts.FirstOrDefault(a => a.CustomerId == customerId), today);
    }

    /// <summary>
    /// Open invoices with their holds on <paramref name="today"/> (an open dispute, an open promise covering them) and their
    /// promise level (promises covering them that were broken).
    /// </summary>
    public static List<DunningItem> Items(ArAccount account, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(account);
        var byId = account.Invoices.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var promises = account.Promises.Where(p => p.MadeOn <= today).Select(p => (p.InvoiceIds, State: PromiseEvaluator.Evaluate(p, byId.GetValueOrDefault, today))).ToList();
        return [.. account.Invoices.Where(i => i.IsOnBook(today) && i.OpenOn(today) > 0).Select(i => new DunningItem(
            i.Id, i.DueDate, i.OpenOn(today), i.OpenReportingOn(today), i.Currency,
            Disputed: account.Disputes.Any(d => d.InvoiceId == i.Id && d.Opened <= today && !(d.Resolved <= today)),
            Promised: promises.Any(p => p.State == PromiseState.Open && p.InvoiceIds.Contains(i.Id)),
            PromiseLevel: promises.Count(p => p.State == PromiseState.Broken && p.InvoiceIds.Contains(i.Id))))];
    }

    [LoggerMessage(1, LogLevel.Information, "Approval of {Key} (step {Step}) requested from {Approver}, round {Round}")]
    private static partial void LogApproval(ILogger logger, string approver, string key, string step, int round);
}

/// <summary>Starts dunning cycles: one instance per customer, a second start is a no-op (the status is asked first, ADR 004).</summary>
public static class DunningStarter
{
    public static async Task<(string InstanceId, bool Started)> StartAsync(Microsoft.DurableTask.Client.DurableTaskClient client, string customerId, CancellationToken cancellationToken)
    {
        // A cycle that ended (all paid) starts again when something new falls due.
        var id = DunningCycle.InstanceId(customerId);
        return (id, await DurableStarts.StartOnceAsync(client, nameof(DunningCycle), id, new DunningCycleInput(customerId), cancellationToken, restartCompleted: true).ConfigureAwait(false));
    }
}
