using System.Globalization;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Actions;

/// <summary>The actions a collector (or the automation) can take on a customer.</summary>
public enum CollectionAction
{
    Email,
    Call,
    Escalate,
    SalesSupport,
    CreditHold,
    PromiseFollowUp,
    DisputeChase,
    WriteOffProposal,
}

/// <summary>
/// A customer as the next-best action sees it today (reporting currency): what is open, overdue (and of that, held by a dispute
/// or a promise), its likelihood to pay and band, its value at stake (DOMAIN.md §7), how long since the last contact.
/// </summary>
public sealed record CustomerSituation(
    string CustomerId, string Name, string Collector, string Segment, string RiskBand, double Likelihood,
    decimal OpenAmount, decimal OverdueAmount, decimal ActionableOverdue, decimal ValueAtStake, int MaxDaysOverdue,
    decimal DisputedAmount, int OldestDisputeDays, decimal PromisedAmount, int? DaysToPromiseDeadline,
    int BrokenPromises90Days, int? DaysSinceContact, bool HasEmail, bool DunningBlocked)
{
    /// <summary>The likelihood an invoice nobody has scored yet counts with: the middle of the medium band (DOMAIN.md §7).</summary>
    public const double UnscoredLikelihood = 0.65;

    /// <summary>
    /// The situation of <paramref name="account"/> on <paramref name="today"/> (reporting currency). <see cref="ActionableOverdue"/>
    /// is overdue and held by neither an open dispute nor an open promise.
    /// </summary>
    public static CustomerSituation Of(ArAccount account, DateOnly today, Func<string, double?> likelihoodOf)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(likelihoodOf);
        var open = account.Invoices.Where(i => i.IsOnBook(today) && i.OpenOn(today) > 0).ToList();
        var risk = Scoring.CustomerRiskCalculator.Of(account.CustomerId,
            [.. open.Select(i => new Scoring.ScoredInvoice(i.Id, i.DueDate, i.OpenReportingOn(today), likelihoodOf(i.Id) ?? UnscoredLikelihood))], today);
        var disputes = account.Disputes.Where(d => d.IsOpenOn(today)).ToList();
        var disputed = disputes.Select(d => d.InvoiceId).ToHashSet(StringComparer.Ordinal);
        var states = PromiseEvaluator.States(account, today);
        var promises = states.Where(p => p.State == PromiseState.Open).Select(p => p.Promise).ToList();
        var promised = promises.SelectMany(p => p.InvoiceIds).ToHashSet(StringComparer.Ordinal);
        var overdue = open.Where(i => today > i.DueDate).ToList();
        var lastContact = account.Actions.Where(a => a.Date <= today).Select(a => (DateOnly?)a.Date).Max();
        return new CustomerSituation(
            account.CustomerId, account.Name, account.Collector, account.Segment, risk.RiskBand, risk.Likelihood,
            open.Sum(i => i.OpenReportingOn(today)), overdue.Sum(i => i.OpenReportingOn(today)),
            overdue.Where(i => !disputed.Contains(i.Id) && !promised.Contains(i.Id)).Sum(i => i.OpenReportingOn(today)), risk.ValueAtStake,
            overdue.Count == 0 ? 0 : overdue.Max(i => today.DayNumber - i.DueDate.DayNumber),
            open.Where(i => disputed.Contains(i.Id)).Sum(i => i.OpenReportingOn(today)), disputes.Count == 0 ? 0 : disputes.Max(d => today.DayNumber - d.Opened.DayNumber),
            promises.Sum(p => p.AmountReporting), promises.Count == 0 ? null : promises.Min(p => p.Deadline.DayNumber - today.DayNumber),
            states.Count(p => p.State == PromiseState.Broken && p.Promise.Deadline > today.AddDays(-90)),
            lastContact is { } c ? today.DayNumber - c.DayNumber : null, account.Email is { Length: > 0 }, account.DunningBlock);
    }
}

/// <summary>An estimated rise in likelihood to pay from an action for a risk band, from evidence or the configured prior.</summary>
public sealed record Uplift(CollectionAction Action, string RiskBand, double Value, int Observations, double Prior);

/// <summary>A measured effect of an action for a band: the difference in the share paid within the horizon, over <see cref="Observations"/> customers.</summary>
public sealed record Evidence(CollectionAction Action, string RiskBand, double Effect, int Observations);

/// <summary>A proposed action: its expected value (amount concerned × uplift − cost), whether it runs touchless, and why, in words.</summary>
public sealed record Proposal(CollectionAction Action, decimal ExpectedValue, decimal Amount, double Uplift, decimal Cost, bool Touchless, string Reason);

/// <summary>Which actions run without a person (the rest become tasks in the collector's worklist).</summary>
public sealed record AutomationPolicy(IReadOnlySet<CollectionAction> Touchless)
{
    /// <summary>Reminder e-mails and promise follow-up mails run by themselves; calls, escalations, holds and write-offs need a person.</summary>
    public static readonly AutomationPolicy Default = new(new HashSet<CollectionAction> { CollectionAction.Email, CollectionAction.PromiseFollowUp });
}

/// <summary>
/// Expected rises in likelihood to pay per action and band: the configured prior, moved toward measured effects as evidence
/// accumulates (shrinkage with strength <see cref="PriorStrength"/>). Evidence must be causal (an experiment's arms, issue 8):
/// the association history shows (<see cref="Observe"/>) is reported but not used, because actions go to the invoices that
/// were not going to pay (ADR 010).
/// </summary>
public sealed class UpliftModel
{
    /// <summary>Days after an action within which a payment counts as its outcome.</summary>
    public const int HorizonDays = 14;

    /// <summary>How many observations the prior is worth.</summary>
    public const int PriorStrength = 20;

    /// <summary>Priors per action and band (low, medium, high), from collections practice; replaced by history as it grows.</summary>
    public static readonly IReadOnlyDictionary<CollectionAction, (double Low, double Medium, double High)> Priors = new Dictionary<CollectionAction, (double, double, double)>
    {
        [CollectionAction.Email] = (0.03, 0.05, 0.04),
        [CollectionAction.Call] = (0.06, 0.12, 0.10),
        [CollectionAction.Escalate] = (0.04, 0.08, 0.12),
        [CollectionAction.SalesSupport] = (0.08, 0.10, 0.08),
        [CollectionAction.CreditHold] = (0.02, 0.06, 0.15),
        [CollectionAction.PromiseFollowUp] = (0.10, 0.15, 0.15),
        [CollectionAction.DisputeChase] = (0.15, 0.20, 0.20),
        [CollectionAction.WriteOffProposal] = (0, 0, 0),
    };

    private readonly Dictionary<(CollectionAction, string), Uplift> uplifts;

    private UpliftModel(Dictionary<(CollectionAction, string), Uplift> uplifts) => this.uplifts = uplifts;

    /// <summary>The priors alone.</summary>
    public static UpliftModel PriorsOnly() => new([]);

    /// <summary>The priors moved toward measured effects: (n × effect + strength × prior) / (n + strength).</summary>
    public static UpliftModel WithEvidence(IEnumerable<Evidence> evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var uplifts = new Dictionary<(CollectionAction, string), Uplift>();
        foreach (var e in evidence.Where(e => e.Observations > 0))
        {
            var prior = PriorOf(e.Action, e.RiskBand);
            uplifts[(e.Action, e.RiskBand)] = new Uplift(e.Action, e.RiskBand, ((e.Observations * e.Effect) + (PriorStrength * prior)) / (e.Observations + PriorStrength), e.Observations, prior);
        }

        return new UpliftModel(uplifts);
    }

    /// <summary>The uplift of an action for a band (unknown bands count as medium).</summary>
    public Uplift For(CollectionAction action, string band)
    {
        band = band is "low" or "high" ? band : "medium";
        return uplifts.TryGetValue((action, band), out var u) ? u : new Uplift(action, band, PriorOf(action, band), 0, PriorOf(action, band));
    }

    private static double PriorOf(CollectionAction action, string band) => Priors[action] switch
    {
        var (low, _, _) when band == "low" => low,
        var (_, _, high) when band == "high" => high,
        var (_, medium, _) => medium,
    };


    /// <summary>Days-overdue strata: an action is compared with untouched invoices as far overdue as its own.</summary>
    private static int Stratum(int daysOverdue) => daysOverdue switch { <= 14 => 0, <= 30 => 1, <= 60 => 2, _ => 3 };

    /// <summary>
    /// The association in the book as known on <paramref name="asOf"/> (reported, not used for valuation: ADR 010): each logged action (e-mail, call, CRM escalation, sales support,
    /// credit hold) on invoices overdue at the time is an observation (paid within <see cref="HorizonDays"/> days or not),
    /// compared with untouched overdue invoices of the same band and as far overdue (sampled weekly, no action within 14 days
    /// either side); both over the last year, by the customer's band (<paramref name="bandOf"/>). Stratifying by days overdue
    /// keeps the comparison fair: actions go to older debts, which pay less whatever is done.
    /// </summary>
    public static IReadOnlyList<Evidence> Observe(ArBook book, DateOnly asOf, Func<string, string> bandOf)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(bandOf);
        var from = asOf.AddDays(-365);
        var last = asOf.AddDays(-HorizonDays);
        var observations = new List<(CollectionAction Action, string Band, int Stratum, bool Paid)>();
        var baseline = new Dictionary<(string Band, int Stratum), (int Paid, int All)>();
        foreach (var account in book.Accounts)
        {
            var band = bandOf(account.CustomerId);
            var byId = account.Invoices.ToDictionary(i => i.Id, StringComparer.Ordinal);
            var touched = new Dictionary<string, List<DateOnly>>(StringComparer.Ordinal);
            foreach (var action in account.Actions.Where(a => a.Date >= from && a.Date <= last))
            {
                var kind = Of(action.Kind);
                foreach (var invoice in action.InvoiceIds.Select(byId.GetValueOrDefault).OfType<ArInvoice>())
                {
                    (touched.TryGetValue(invoice.Id, out var dates) ? dates : touched[invoice.Id] = []).Add(action.Date);
                    if (kind is { } k && action.Date > invoice.DueDate && invoice.OpenOn(action.Date) > 0)
                    {
                        observations.Add((k, band, Stratum(action.Date.DayNumber - invoice.DueDate.DayNumber), invoice.OpenOn(action.Date.AddDays(HorizonDays)) <= 0));
                    }
                }
            }

            foreach (var invoice in account.Invoices)
            {
                for (var day = Max(invoice.DueDate.AddDays(1), from); day <= last; day = day.AddDays(7))
                {
                    if (invoice.OpenOn(day) <= 0)
                    {
                        break;
                    }

                    // Neither just after an action (its effect) nor just before one (the action, not the wait, would explain the payment).
                    if (touched.TryGetValue(invoice.Id, out var dates) && dates.Any(d => d > day.AddDays(-HorizonDays) && d <= day.AddDays(HorizonDays)))
                    {
                        continue;
                    }

                    var key = (band, Stratum(day.DayNumber - invoice.DueDate.DayNumber));
                    var (paid, all) = baseline.GetValueOrDefault(key);
                    baseline[key] = (paid + (invoice.OpenOn(day.AddDays(HorizonDays)) <= 0 ? 1 : 0), all + 1);
                }
            }
        }

        var observed = new List<Evidence>();
        foreach (var group in observations.GroupBy(o => (o.Action, o.Band)).OrderBy(g => g.Key.Action).ThenBy(g => g.Key.Band, StringComparer.Ordinal))
        {
            // Each observation against the pay rate of untouched invoices in its stratum; strata without a baseline are left out.
            var differences = group.Where(o => baseline.GetValueOrDefault((o.Band, o.Stratum)).All > 0)
                .Select(o => (o.Paid ? 1.0 : 0.0) - ((double)baseline[(o.Band, o.Stratum)].Paid / baseline[(o.Band, o.Stratum)].All)).ToList();
            if (differences.Count == 0)
            {
                continue;
            }

            observed.Add(new Evidence(group.Key.Action, group.Key.Band, differences.Average(), differences.Count));
        }

        return observed;
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static CollectionAction? Of(ActionKind kind) => kind switch
    {
        ActionKind.Email => CollectionAction.Email,
        ActionKind.Call => CollectionAction.Call,
        ActionKind.CrmEscalation => CollectionAction.Escalate,
        ActionKind.SalesSupportRequest => CollectionAction.SalesSupport,
        ActionKind.CreditHold => CollectionAction.CreditHold,
        _ => null,
    };
}

/// <summary>
/// The next-best action (DOMAIN.md §7), pure: each action that applies to the customer's situation is valued at amount
/// concerned × expected rise in likelihood to pay (never above what is left to 1) − its cost (manual or automated, from the
/// cost model); only positive values are proposed, best first, each with its reason in words.
/// </summary>
public static class NextBestAction
{
    /// <summary>Overdue days from which an escalation, a request for sales support and a credit hold are considered.</summary>
    public const int EscalateAfterDays = 30;

    public const int SalesSupportAfterDays = 21;

    public const int CreditHoldAfterDays = 14;

    public const int DisputeChaseAfterDays = 14;

    public const int WriteOffAfterDays = 180;

    public static IReadOnlyList<Proposal> Rank(CustomerSituation situation, UpliftModel uplift, CostModel costs, AutomationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(situation);
        ArgumentNullException.ThrowIfNull(uplift);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(policy);
        var s = situation;
        var proposals = new List<Proposal>();
        var headroom = Math.Max(0, 1 - s.Likelihood);
        void Consider(CollectionAction action, decimal amount, ActionKind costKind, string why)
        {
            if (amount <= 0)
            {
                return;
            }

            var touchless = policy.Touchless.Contains(action);
            var u = uplift.For(action, s.RiskBand);
            var rise = Math.Min(u.Value, headroom);
            var cost = costs.CostOf(costKind, touchless);
            var value = Math.Round((amount * (decimal)rise) - cost, 2);
            if (value > 0)
            {
                var source = u.Observations > 0 ? $"measured on {u.Observations} {u.RiskBand}-risk customers" : "the configured prior";
                proposals.Add(new Proposal(action, value, amount, rise, cost, touchless,
                    $"{why}: {Money(amount)} × {Percent(rise)} expected rise in likelihood to pay ({source}) − {Money(cost)} cost = {Money(value)}."));
            }
        }

        if (!s.DunningBlocked)
        {
            if (s.HasEmail)
            {
                Consider(CollectionAction.Email, s.ActionableOverdue, ActionKind.Email, $"{Money(s.ActionableOverdue)} overdue and not held");
            }

            Consider(CollectionAction.Call, s.DaysSinceContact is null or >= 7 ? s.ActionableOverdue : 0, ActionKind.Call,
                s.DaysSinceContact is { } d ? $"no contact for {d} days on {Money(s.ActionableOverdue)} overdue" : $"never contacted on {Money(s.ActionableOverdue)} overdue");
            Consider(CollectionAction.Escalate, s.MaxDaysOverdue >= EscalateAfterDays ? s.ActionableOverdue : 0, ActionKind.CrmEscalation, $"{s.MaxDaysOverdue} days overdue");
            Consider(CollectionAction.SalesSupport, s.MaxDaysOverdue >= SalesSupportAfterDays && s.Segment == nameof(Segment.Strategic) ? s.ActionableOverdue : 0, ActionKind.SalesSupportRequest,
                $"a strategic account {s.MaxDaysOverdue} days overdue");
        }

        Consider(CollectionAction.CreditHold, s.RiskBand == "high" && s.MaxDaysOverdue >= CreditHoldAfterDays ? s.OverdueAmount : 0, ActionKind.CreditHold,
            $"high risk and {s.MaxDaysOverdue} days overdue: stop the exposure growing");
        Consider(CollectionAction.PromiseFollowUp, s.DaysToPromiseDeadline is >= 0 and <= 3 || s.BrokenPromises90Days > 0 ? Math.Max(s.PromisedAmount, s.BrokenPromises90Days > 0 ? s.ActionableOverdue : 0) : 0,
            ActionKind.Call, s.BrokenPromises90Days > 0 ? $"{s.BrokenPromises90Days} broken promise(s) in 90 days" : $"a promise of {Money(s.PromisedAmount)} falls due within {s.DaysToPromiseDeadline} days");
        Consider(CollectionAction.DisputeChase, s.OldestDisputeDays >= DisputeChaseAfterDays ? s.DisputedAmount : 0, ActionKind.Call,
            $"{Money(s.DisputedAmount)} in dispute for {s.OldestDisputeDays} days");

        // A write-off is worth proposing when chasing costs more than it can bring: the rest of a chase (three calls and an
        // escalation) against what is expected back.
        if (s.MaxDaysOverdue >= WriteOffAfterDays && s.OverdueAmount > 0)
        {
            var chase = (3 * costs.CostOf(ActionKind.Call, false)) + costs.CostOf(ActionKind.CrmEscalation, false);
            var recovery = s.OverdueAmount * (decimal)s.Likelihood;
            var value = Math.Round(chase - recovery - costs.CostOf(ActionKind.WriteOff, false), 2);
            if (value > 0)
            {
                proposals.Add(new Proposal(CollectionAction.WriteOffProposal, value, s.OverdueAmount, 0, costs.CostOf(ActionKind.WriteOff, false), false,
                    $"{s.MaxDaysOverdue} days overdue with {Percent(s.Likelihood)} likelihood: three more calls and an escalation ({Money(chase)}) cost more than the {Money(recovery)} expected back; writing off ({Money(costs.CostOf(ActionKind.WriteOff, false))}) saves {Money(value)}."));
            }
        }

        return [.. proposals.OrderByDescending(p => p.ExpectedValue).ThenBy(p => p.Action)];
    }

    /// <summary>The worklist order (DOMAIN.md §7): value at stake, then the larger overdue amount, then the lower likelihood, then the id.</summary>
    public static IReadOnlyList<T> Order<T>(IEnumerable<T> items, Func<T, CustomerSituation> situation)
    {
        ArgumentNullException.ThrowIfNull(situation);
        return [.. items.OrderByDescending(i => situation(i).ValueAtStake).ThenByDescending(i => situation(i).OverdueAmount)
            .ThenBy(i => situation(i).Likelihood).ThenBy(i => situation(i).CustomerId, StringComparer.Ordinal)];
    }

    private static string Money(decimal amount) => amount.ToString("N2", CultureInfo.InvariantCulture);

    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
