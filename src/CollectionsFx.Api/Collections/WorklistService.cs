using CollectionsFx.Api.Dunning;
using CollectionsFx.Api.Insights;
using CollectionsFx.Api.Scoring;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Actions;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Scoring;
using CollectionsFx.Storage.Settings;
using CollectionsFx.Workflows.Dunning;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Api.Collections;

/// <summary>Automation settings (section <c>Automation</c>): which next-best actions run touchless.</summary>
public sealed class AutomationOptions
{
    public const string Section = "Automation";

    /// <summary>Actions that run by themselves (the rest become tasks); names of <see cref="CollectionAction"/>.</summary>
    public List<CollectionAction> Touchless { get; set; } = [.. AutomationPolicy.Default.Touchless];
}

/// <summary>
/// The automation settings in force: what a manager set last (<see cref="AutomationStore"/>), else the configured
/// <see cref="AutomationOptions"/>; read at most every 30 seconds per host.
/// </summary>
public sealed class AutomationService(AutomationStore store, IOptions<AutomationOptions> defaults, TimeProvider time)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private (AutomationSettings Settings, DateTimeOffset ReadAt)? cached;

    public async Task<AutomationSettings> GetAsync(CancellationToken cancellationToken)
    {
        if (cached is { } c && time.GetUtcNow() - c.ReadAt < MaxAge)
        {
            return c.Settings;
        }

        var settings = await store.GetAsync(cancellationToken).ConfigureAwait(false) ?? new AutomationSettings([.. defaults.Value.Touchless.Order()], null, null);
        cached = (settings, time.GetUtcNow());
        return settings;
    }

    public async Task<AutomationSettings> SetAsync(IReadOnlyList<CollectionAction> touchless, string setBy, CancellationToken cancellationToken)
    {
        var settings = new AutomationSettings([.. touchless.Distinct().Order()], setBy, time.GetUtcNow());
        await store.SetAsync(settings, cancellationToken).ConfigureAwait(false);
        cached = (settings, time.GetUtcNow());
        return settings;
    }
}

/// <summary>
/// The worklist, with the association between actions and payment that history shows (reported beside the priors the
/// proposals are valued with; not used for valuation, ADR 010).
/// </summary>
public sealed record Worklist(IReadOnlyList<WorklistEntry> Entries, IReadOnlyList<Evidence> ObservedAssociation);

/// <summary>
/// The worklist (DOMAIN.md §7): every customer with something overdue or due within 14 days, ordered by value at stake (then
/// overdue amount, then likelihood), each with its next-best action; computed once per insights snapshot and score version.
/// Executing an action does it now through the same activities the workflows use, once per customer, action and day.
/// </summary>
public sealed class WorklistService(InsightsService insights, ScoreCache scores, AccountReader accounts, IDunningActions dunning, AutomationService automation)
{
    /// <summary>The whole worklist as of today, best first.</summary>
    public async Task<Worklist> BuildAsync(CancellationToken cancellationToken)
    {
        var snapshot = await insights.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var (likelihoods, version) = await scores.GetAsync(cancellationToken).ConfigureAwait(false);
        var today = insights.Today();
        var policy = new AutomationPolicy((await automation.GetAsync(cancellationToken).ConfigureAwait(false)).Touchless.ToHashSet());
        return await snapshot.CachedAsync($"worklist/{today:yyyy-MM-dd}/{version}/{string.Join(",", policy.Touchless.Order())}", async () =>
        {
            var book = await snapshot.BookAsOfAsync(today).ConfigureAwait(false);
            double? Likelihood(string invoiceId) => likelihoods.TryGetValue(invoiceId, out var l) ? l : null;
            var situations = book.Accounts.Select(a => CustomerSituation.Of(a, today, Likelihood)).Where(s => s.ValueAtStake > 0 || s.OverdueAmount > 0).ToList();
            var bands = situations.ToDictionary(s => s.CustomerId, s => s.RiskBand, StringComparer.Ordinal);
            var observed = UpliftModel.Observe(book, today, id => bands.GetValueOrDefault(id, "medium"));
            var uplift = UpliftModel.PriorsOnly();
            var entries = situations.Select(s =>
            {
                var proposals = NextBestAction.Rank(s, uplift, snapshot.Costs, policy);
                return new WorklistEntry(s, proposals.Count > 0 ? proposals[0] : null, proposals);
            });
            return new Worklist(NextBestAction.Order(entries, e => e.Customer), observed);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// One customer's row as the worklist computes it; a customer with nothing overdue or due soon (not on the worklist) gets its
    /// situation with no proposal. Null when the book does not know the customer.
    /// </summary>
    public async Task<WorklistEntry?> EntryAsync(ArAccount account, DateOnly today, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var listed = (await BuildAsync(cancellationToken).ConfigureAwait(false)).Entries.FirstOrDefault(e => e.Customer.CustomerId == account.CustomerId);
        if (listed is not null)
        {
            return listed;
        }

        var (likelihoods, _) = await scores.GetAsync(cancellationToken).ConfigureAwait(false);
        return new WorklistEntry(CustomerSituation.Of(account, today, id => likelihoods.TryGetValue(id, out var l) ? l : null), null, []);
    }

    /// <summary>
    /// Executes <paramref name="action"/> (the best one when null) for a customer now: a reminder e-mail, a call task, a CRM
    /// escalation or a request for sales support as a dunning step would; a promise follow-up or dispute chase as a call task.
    /// Null entry: the customer is not on the worklist; null proposal: that action is not proposed for it.
    /// </summary>
    public async Task<(WorklistEntry? Entry, Proposal? Proposal, NoticeResult? Result)> ExecuteAsync(string customerId, CollectionAction? action, CancellationToken cancellationToken)
    {
        var entry = (await BuildAsync(cancellationToken).ConfigureAwait(false)).Entries.FirstOrDefault(e => e.Customer.CustomerId == customerId);
        var proposal = entry is null ? null : action is { } a ? entry.Proposals.FirstOrDefault(p => p.Action == a) : entry.Next;
        if (entry is null || proposal is null)
        {
            return (entry, null, null);
        }

        var today = accounts.Today();
        var account = await accounts.AccountAsync(customerId, today, cancellationToken).ConfigureAwait(false);
        var items = account is null ? [] : DunningService.Items(account, today);
        var held = proposal.Action is CollectionAction.DisputeChase ? items.Where(i => i.Disputed) : proposal.Action is CollectionAction.PromiseFollowUp ? items.Where(i => i.Promised || i.PromiseLevel > 0) : items.Where(i => !i.Disputed && !i.Promised);
        var lines = held.Where(i => i.DueDate < today || proposal.Action is CollectionAction.PromiseFollowUp)
            .Select(i => new NoticeLine(i.InvoiceId, i.DueDate, i.Open, i.Currency, 0, today.DayNumber - i.DueDate.DayNumber)).ToList();
        var (channel, template) = proposal.Action switch
        {
            CollectionAction.Email => (DunningChannel.Email, "reminder-1"),
            CollectionAction.Escalate => (DunningChannel.CrmEscalation, "escalation"),
            CollectionAction.SalesSupport => (DunningChannel.SalesSupport, "sales-support"),
            CollectionAction.CreditHold => (DunningChannel.CreditHold, "credit-hold"),
            _ => (DunningChannel.CallTask, "call-customer"),
        };
        var step = new PlaybookStep("next-best-action:" + proposal.Action.ToString().ToLowerInvariant(), 0, channel, template, 0, false);
        var notice = new DunningNotice(step, 0, lines, items.Where(i => lines.Any(l => l.InvoiceId == i.InvoiceId)).Sum(i => i.OpenReporting));
        var key = $"nba/{customerId}/{today:yyyy-MM-dd}/{proposal.Action}";
        var result = await dunning.SendNoticeAsync(new NoticeRequest(customerId, key, notice, null), cancellationToken).ConfigureAwait(false);
        return (entry, proposal, result);
    }
}
