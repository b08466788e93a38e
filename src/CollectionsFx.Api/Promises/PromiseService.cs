using CollectionsFx.Api.Dunning;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Storage.Mail;
using CollectionsFx.Storage.Scoring;
using CollectionsFx.Workflows.Dunning;
using CollectionsFx.Workflows.Promises;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Api.Promises;

/// <summary>
/// The work of a promise follow-up (<see cref="IPromiseActions"/>): the promise as known today, its confirmation and reminder
/// mails (once each, through the outbox, in the customer's language), and its verdict recorded in the ledger as a new
/// version of the promise (so the event log gets "Promise Kept/Partially Kept/Broken") with the customer put on the ledger
/// change queue, which wakes its dunning cycle.
/// </summary>
public sealed class PromiseService(
    AccountReader accounts, ILedgerStore ledger, ExactlyOnceMailer mailer, NoticeRenderer renderer, IRescoreRequests rescore,
    IOptions<DunningOptions> options, TimeProvider time) : IPromiseActions
{
    /// <inheritdoc />
    public async Task<PromiseView?> LoadPromiseAsync(PromiseFollowUpInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var today = accounts.Today();
        var record = await RecordAsync(input.CustomerId, input.PromiseId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        var account = await accounts.AccountAsync(input.CustomerId, today, cancellationToken).ConfigureAwait(false);
        if (account?.Promises.Any(p => p.Id == input.PromiseId) != true)
        {
            // Recorded a moment ago: the snapshot has not caught up yet.
            await accounts.RefreshAsync(cancellationToken).ConfigureAwait(false);
            account = await accounts.AccountAsync(input.CustomerId, today, cancellationToken).ConfigureAwait(false);
        }

        if (account?.Promises.FirstOrDefault(p => p.Id == input.PromiseId) is not { } promise)
        {
            throw new InvalidOperationException($"Promise {input.PromiseId} is in the ledger but not yet in the insights snapshot; the activity is retried.");
        }

        var byId = account.Invoices.ToDictionary(i => i.Id, StringComparer.Ordinal);
        // The state recorded in the ledger: Open until this follow-up records its verdict (or the CRM sends one, or a withdrawal).
        return new PromiseView(
            input.CustomerId, input.PromiseId, record.State, promise.MadeOn, promise.PromisedDate, promise.Deadline, record.Amount, PromiseEvaluator.PaidToward(promise, byId.GetValueOrDefault),
            record.Currency, promise.InvoiceIds, accounts.Clock, options.Value.PromiseReminderDays);
    }

    /// <inheritdoc />
    public async Task<NoticeResult> SendPromiseMailAsync(PromiseMailRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var span = Diagnostics.Telemetry.StartFrom("promise.mail", request.TraceParent, kind: System.Diagnostics.ActivityKind.Internal);
        span?.SetTag("cfx.customer", request.CustomerId);
        span?.SetTag("cfx.template", request.Template);
        var today = accounts.Today();
        var account = await accounts.AccountAsync(request.CustomerId, today, cancellationToken).ConfigureAwait(false);
        var record = await RecordAsync(request.CustomerId, request.PromiseId, cancellationToken).ConfigureAwait(false);
        if (account is null || record is null)
        {
            return new NoticeResult(false, "no such promise");
        }

        if (account.Email is not { Length: > 0 } to)
        {
            return new NoticeResult(false, "the customer has no e-mail address");
        }

        var lines = account.Invoices.Where(i => record.InvoiceIds.Contains(i.Id))
            .Select(i => new NoticeLine(i.Id, i.DueDate, i.OpenOn(today), i.Currency, 0, today.DayNumber - i.DueDate.DayNumber)).ToList();
        var step = new PlaybookStep(request.Template, 0, DunningChannel.Email, request.Template, 0, false);
        var language = DunningService.Language(account.Country);
        var o = options.Value;
        var text = renderer.Render(
            new DunningNotice(step, 0, lines, record.Amount), NoticeParties.Of(account, o.CompanyName),
            language, new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["promised_amount"] = NoticeRenderer.Amount(record.Amount, record.Currency, language),
                ["promised_date"] = NoticeRenderer.Date(record.PromisedDate, language),
            });
        var outcome = await mailer.SendOnceAsync(request.CustomerId, request.Key, id => new EmailMessage(id, o.From, null, to, text.Subject, text.Html, text.Text, Diagnostics.Telemetry.CorrelationId(request.TraceParent)), cancellationToken).ConfigureAwait(false);
        return new NoticeResult(outcome.Sent, outcome.Outcome);
    }

    /// <inheritdoc />
    public async Task<PromiseVerdict> RecordVerdictAsync(PromiseFollowUpInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var today = accounts.Today();
        var account = await accounts.AccountAsync(input.CustomerId, today, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Customer {input.CustomerId} is not in the book.");
        var promise = account.Promises.First(p => p.Id == input.PromiseId);
        var byId = account.Invoices.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var state = PromiseEvaluator.Evaluate(promise, byId.GetValueOrDefault, today);
        var record = await RecordAsync(input.CustomerId, input.PromiseId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Promise {input.PromiseId} is not in {input.CustomerId}'s ledger.");
        if (record.State == PromiseState.Open && state != PromiseState.Open)
        {
            // The next version of the promise carries the verdict; a retry finds it recorded (dedupe key) and does nothing.
            await ledger.CommitAsync(input.CustomerId, [new IncomingRecord(
                record with { Version = record.Version + 1, State = state, ChangedAt = time.GetUtcNow(), Resource = "automation" }, $"promise-verdict:{input.PromiseId}")],
                cancellationToken).ConfigureAwait(false);
            await rescore.RequestAsync(new RescoreRequest([input.CustomerId], time.GetUtcNow(), Diagnostics.Telemetry.CurrentTraceParent()), cancellationToken).ConfigureAwait(false);
        }

        var partner = PromiseEvaluator.BrokenPatternPartner(account, promise, today);
        return new PromiseVerdict(record.State != PromiseState.Open ? record.State : state, PromiseEvaluator.PaidToward(promise, byId.GetValueOrDefault), partner?.Id);
    }

    /// <summary>The promise as the ledger holds it (its recorded state included); null when there is none.</summary>
    private async Task<PromiseRecord?> RecordAsync(string customerId, string promiseId, CancellationToken ct) =>
        (await ledger.LoadAsync(customerId, ct).ConfigureAwait(false)).Find(new EntityKey(EntityKind.Promise, promiseId)) as PromiseRecord;
}
