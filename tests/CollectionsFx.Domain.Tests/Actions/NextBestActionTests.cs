using CollectionsFx.Domain.Actions;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Tests.Insights;

namespace CollectionsFx.Domain.Tests.Actions;

public sealed class NextBestActionTests
{
    private static CustomerSituation Situation(
        decimal overdue = 1000m, int daysOverdue = 10, string band = "medium", double likelihood = 0.6, int? sinceContact = 10, decimal disputed = 0m,
        int disputeDays = 0, decimal promised = 0m, int? toDeadline = null, int broken = 0, bool blocked = false, string segment = "MidMarket", bool email = true) =>
        new("C1", "Acme", "anna", segment, band, likelihood, overdue + disputed + promised, overdue + disputed + promised, overdue, overdue * (decimal)(1 - likelihood),
            daysOverdue, disputed, disputeDays, promised, toDeadline, broken, sinceContact, email, blocked);

    private static IReadOnlyList<Proposal> Rank(CustomerSituation s, AutomationPolicy? policy = null) =>
        NextBestAction.Rank(s, UpliftModel.PriorsOnly(), CostModel.Default, policy ?? AutomationPolicy.Default);

    public static TheoryData<string, CustomerSituation, CollectionAction, decimal, string> Cases => new()
    {
        // name, situation, best action, its expected value, every proposal in order
        { "new overdue, contacted two days ago: a reminder mail, free when touchless", Situation(sinceContact: 2), CollectionAction.Email, 50m, "Email" },
        { "no contact for 10 days: a call beats the mail", Situation(), CollectionAction.Call, 105m, "Call,Email" },
        { "40 days overdue: call, then escalation", Situation(daysOverdue: 40), CollectionAction.Call, 105m, "Call,Escalate,Email" },
        { "high risk, 20 days: credit hold first", Situation(band: "high", likelihood: 0.3, daysOverdue: 20), CollectionAction.CreditHold, 140m, "CreditHold,Call,Email" },
        { "strategic account 25 days overdue: sales support", Situation(segment: "Strategic", daysOverdue: 25, sinceContact: 3), CollectionAction.SalesSupport, 70m, "SalesSupport,Email" },
        { "small amount: a call costs more than it brings", Situation(overdue: 100m), CollectionAction.Email, 5m, "Email" },
        { "an old dispute is worth chasing", Situation(overdue: 0m, disputed: 500m, disputeDays: 20), CollectionAction.DisputeChase, 85m, "DisputeChase" },
        { "a promise falls due in two days", Situation(overdue: 0m, promised: 800m, toDeadline: 2), CollectionAction.PromiseFollowUp, 120m, "PromiseFollowUp" },
        { "a blocked customer is not dunned, but a broken promise is followed up", Situation(blocked: true, broken: 1), CollectionAction.PromiseFollowUp, 150m, "PromiseFollowUp" },
        { "almost sure to pay: the rise is capped at what is left to 1", Situation(likelihood: 0.97, sinceContact: 2), CollectionAction.Email, 30m, "Email" },
        { "hopeless and small: propose the write-off", Situation(overdue: 50m, daysOverdue: 200, band: "high", likelihood: 0.02, sinceContact: 1, email: false), CollectionAction.WriteOffProposal, 19m, "WriteOffProposal" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Actions_are_ranked_by_expected_value_and_only_positive_ones_proposed(string name, CustomerSituation situation, CollectionAction best, decimal value, string all)
    {
        var proposals = Rank(situation);

        Assert.True(proposals.Count > 0, name);
        Assert.Equal((best, value), (proposals[0].Action, proposals[0].ExpectedValue));
        Assert.Equal(all, string.Join(",", proposals.Select(p => p.Action)));
        Assert.All(proposals, p => Assert.True(p.ExpectedValue > 0));
        Assert.Contains(proposals[0].ExpectedValue.ToString("N2", System.Globalization.CultureInfo.InvariantCulture), proposals[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_overdue_nothing_proposed_and_the_policy_decides_what_runs_touchless()
    {
        Assert.Empty(Rank(Situation(overdue: 0m)));
        var manual = Rank(Situation(sinceContact: 2), new AutomationPolicy(new HashSet<CollectionAction>()));
        // A person writing the mail costs the e-mail's manual cost (5): 1000 × 5% − 5.
        Assert.Equal((CollectionAction.Email, 45m, false), (manual[0].Action, manual[0].ExpectedValue, manual[0].Touchless));
        Assert.True(Rank(Situation(sinceContact: 2))[0].Touchless);
        Assert.Equal("1,000.00 overdue and not held: 1,000.00 × 5% expected rise in likelihood to pay (the configured prior) − 0.00 cost = 50.00.", Rank(Situation(sinceContact: 2))[0].Reason);
    }

    [Fact]
    public void The_worklist_is_ordered_by_value_at_stake_then_overdue_then_likelihood()
    {
        var a = Situation(overdue: 1000m, likelihood: 0.5) with { CustomerId = "A" };          // at stake 500
        var b = Situation(overdue: 2000m, likelihood: 0.9) with { CustomerId = "B", ValueAtStake = 500m, OverdueAmount = 2000m }; // tie on stake, more overdue
        var c = Situation(overdue: 400m, likelihood: 0.1) with { CustomerId = "C" };           // at stake 360
        var d = Situation(overdue: 400m, likelihood: 0.1) with { CustomerId = "D", Likelihood = 0.05, ValueAtStake = 360m }; // tie on both, lower likelihood

        Assert.Equal(["B", "A", "D", "C"], NextBestAction.Order([a, b, c, d], s => s).Select(s => s.CustomerId));
    }

    [Fact]
    public void A_situation_separates_what_is_held_from_what_dunning_can_act_on()
    {
        var today = Ar.D("2026-06-30");
        var ar = new Ar().Customer("C1")
            .Invoice("I1", "2026-05-01", "2026-05-31", 1000m)
            .Invoice("I2", "2026-05-01", "2026-06-10", 400m)
            .Invoice("I3", "2026-05-01", "2026-06-15", 300m)
            .Invoice("I4", "2026-06-01", "2026-07-31", 200m)
            .Promise("P1", "2026-06-20", "2026-07-05", 400m, 2, "I2")
            .Action("A1", Ar.Noon(Ar.D("2026-06-25")), ActionKind.Email, automated: true, invoices: "I1");
        ar.Add(new DisputeRecord { Id = "D1", CustomerId = "C1", Version = 1, ChangedAt = Ar.Noon(Ar.D("2026-06-12")), Resource = "crm", InvoiceId = "I3", ReasonCode = "PRICE", Opened = Ar.D("2026-06-12") });
        var likelihoods = new Dictionary<string, double> { ["I1"] = 0.4, ["I2"] = 0.7, ["I3"] = 0.5 };

        var s = CustomerSituation.Of(ar.Book().Accounts.Single(), today, id => likelihoods.TryGetValue(id, out var l) ? l : null);

        Assert.Equal((1900m, 1700m, 1000m), (s.OpenAmount, s.OverdueAmount, s.ActionableOverdue));
        Assert.Equal((300m, 18, 400m, 7), (s.DisputedAmount, s.OldestDisputeDays, s.PromisedAmount, s.DaysToPromiseDeadline));
        Assert.Equal((30, 5), (s.MaxDaysOverdue, s.DaysSinceContact));
        // At stake: overdue or due within 14 days (I4 is not): 1000 × 0.6 + 400 × 0.3 + 300 × 0.5.
        Assert.Equal(870m, s.ValueAtStake);
        Assert.Equal("medium", s.RiskBand); // (400 + 280 + 150 + 200 × 0.65) / 1900 = 0.505
    }

    [Fact]
    public void History_shows_the_association_and_evidence_moves_the_uplift_from_the_prior()
    {
        var ar = new Ar().Customer("C1");
        for (var i = 0; i < 10; i++)
        {
            ar.Invoice($"I{i}", "2026-01-01", "2026-02-01", 100m);
            if (i < 5)
            {
                // Called on day 5 overdue, paid three days later.
                ar.Action($"A{i}", Ar.Noon(Ar.D("2026-02-06")), ActionKind.Call, invoices: $"I{i}");
                ar.Pay($"P{i}", "2026-02-09", 100m, allocations: ($"I{i}", 100m));
            }
        }

        var observed = UpliftModel.Observe(ar.Book(), Ar.D("2026-06-30"), _ => "medium");

        // Five calls, all paid within 14 days, against untouched invoices as far overdue that never paid.
        Assert.Equal(new Evidence(CollectionAction.Call, "medium", 1.0, 5), Assert.Single(observed));
        var model = UpliftModel.WithEvidence(observed);
        Assert.Equal(0.296, model.For(CollectionAction.Call, "medium").Value, 3); // (5 × 1 + 20 × 0.12) / 25
        Assert.Equal(5, model.For(CollectionAction.Call, "medium").Observations);
        Assert.Equal(0.05, model.For(CollectionAction.Email, "medium").Value); // no evidence on e-mails: the prior
        Assert.Equal(0.12, UpliftModel.PriorsOnly().For(CollectionAction.Call, "unscored").Value);
    }
}
