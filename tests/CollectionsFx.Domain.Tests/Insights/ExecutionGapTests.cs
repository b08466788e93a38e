using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using static CollectionsFx.Domain.Tests.Insights.Ar;

namespace CollectionsFx.Domain.Tests.Insights;

public sealed class ExecutionGapTests
{
    private static readonly DateOnly AsOf = D("2026-03-31");

    private static List<ExecutionGap> Gaps(Ar ar, Func<string, double?>? likelihood = null) =>
        ExecutionGaps.Find(ar.Book(), AsOf, new GapOptions(), likelihood ?? (_ => null)).ToList();

    private static Ar Customer(decimal creditLimit = 0) => new Ar().Add(new CustomerRecord
    {
        Id = "C1", CustomerId = "C1", Version = 1, ChangedAt = Noon(D("2020-01-01")), Resource = "erp",
        Name = "Acme", Country = "DE", Currency = "EUR", CreditLimit = creditLimit, Collector = "u.anna",
    });

    private static (GapKind, string, decimal) Only(List<ExecutionGap> gaps, GapKind kind)
    {
        var g = Assert.Single(gaps, x => x.Kind == kind);
        return (g.Kind, string.Join(",", g.InvoiceIds), g.MoneyAtStake);
    }

    [Fact]
    public void Overdue_invoices_without_contact_for_14_days_are_a_gap_and_a_recent_contact_closes_it()
    {
        var ar = Customer()
            .Invoice("I1", "2026-01-01", "2026-02-01", 1_000m) // contacted 20 days ago
            .Invoice("I2", "2026-01-01", "2026-02-01", 2_000m) // contacted 10 days ago
            .Invoice("I3", "2026-03-01", "2026-03-31", 4_000m) // due today: not overdue
            .Action("A1", Noon(D("2026-03-11")), ActionKind.Call, invoices: ["I1"])
            .Action("A2", Noon(D("2026-03-21")), ActionKind.Email, invoices: ["I2"]);

        Assert.Equal((GapKind.OverdueNoContact, "I1", 1_000m), Only(Gaps(ar), GapKind.OverdueNoContact));

        ar.Action("A3", Noon(D("2026-03-30")), ActionKind.Call); // a call about the whole account
        Assert.DoesNotContain(Gaps(ar), g => g.Kind == GapKind.OverdueNoContact);
    }

    [Fact]
    public void High_value_invoices_at_risk_need_a_score_below_one_half_and_an_amount_at_the_80th_percentile()
    {
        var ar = Customer();
        for (var i = 1; i <= 10; i++)
        {
            ar.Invoice("I" + i, "2026-03-01", "2026-04-30", i * 100m);
        }

        // P80 of 100..1000 = 820: I9 (900) and I10 (1000) are high value; I10 is scored 0.4, I9 0.6, I1 0.1.
        var gaps = Gaps(ar, id => id switch { "I10" => 0.4, "I9" => 0.6, "I1" => 0.1, _ => null });

        Assert.Equal(820m, ExecutionGaps.HighValueThreshold(ar.Book(), AsOf, 80));
        Assert.Equal((GapKind.HighValueAtRisk, "I10", 1_000m), Only(gaps, GapKind.HighValueAtRisk));
        Assert.DoesNotContain(Gaps(ar), g => g.Kind == GapKind.HighValueAtRisk); // unscored is never at risk
    }

    [Fact]
    public void Two_broken_promises_within_90_days_are_the_broken_promise_pattern()
    {
        var ar = Customer()
            .Invoice("I1", "2025-10-01", "2025-11-01", 1_000m)
            .Invoice("I2", "2025-10-01", "2025-11-01", 500m)
            .Promise("P1", "2025-11-10", "2025-11-20", 1_000m, 2, "I1")
            .Promise("P2", "2026-02-01", "2026-02-10", 500m, 2, "I2"); // 82 days after P1's deadline

        Assert.Equal((GapKind.BrokenPromisePattern, "I1,I2", 1_500m), Only(Gaps(ar), GapKind.BrokenPromisePattern));
    }

    [Fact]
    public void Broken_promises_further_apart_than_90_days_are_not_a_pattern()
    {
        var ar = Customer()
            .Invoice("I1", "2025-10-01", "2025-11-01", 1_000m)
            .Promise("P1", "2025-10-10", "2025-10-20", 1_000m, 2, "I1")
            .Promise("P2", "2026-02-01", "2026-02-10", 500m, 2, "I1");

        Assert.DoesNotContain(Gaps(ar), g => g.Kind == GapKind.BrokenPromisePattern);
    }

    [Fact]
    public void Dunning_a_disputed_or_paid_invoice_is_a_violation()
    {
        var ar = Customer()
            .Invoice("I1", "2026-01-01", "2026-02-01", 1_000m)
            .Invoice("I2", "2026-01-01", "2026-02-01", 700m)
            .Invoice("I3", "2026-01-01", "2026-02-01", 300m)
            .Add(new DisputeRecord
            {
                Id = "D1", CustomerId = "C1", Version = 50, ChangedAt = Noon(D("2026-02-10")), Resource = "crm", InvoiceId = "I1", ReasonCode = "PRICE",
                Opened = D("2026-02-10"), Resolved = D("2026-03-20"), Outcome = DisputeOutcome.Rejected,
            })
            .Pay("P1", "2026-02-25", 700m, allocations: ("I2", 700m))
            .Action("N1", Noon(D("2026-03-01")), ActionKind.Email, automated: true, level: 1, invoices: ["I1", "I2", "I3"])
            .Action("N2", Noon(D("2026-03-25")), ActionKind.Email, automated: true, level: 2, invoices: ["I1"]); // dispute resolved by then

        var gaps = Gaps(ar);

        Assert.Equal((GapKind.DunningWhileDisputed, "I1", 1_000m), Only(gaps, GapKind.DunningWhileDisputed));
        Assert.Equal((GapKind.ReminderAfterPayment, "I2", 700m), Only(gaps, GapKind.ReminderAfterPayment));
        Assert.Equal((GapKind.CustomerNeverReached, "I1,I3", 1_300m), Only(gaps, GapKind.CustomerNeverReached));
    }

    [Theory]
    [InlineData("2026-02-28", true)] // 31 days
    [InlineData("2026-03-01", false)] // 30 days
    public void A_dispute_open_more_than_30_days_is_a_gap(string opened, bool expected)
    {
        var ar = Customer()
            .Invoice("I1", "2026-01-01", "2026-04-30", 1_000m)
            .Add(new DisputeRecord { Id = "D1", CustomerId = "C1", Version = 50, ChangedAt = Noon(D(opened)), Resource = "crm", InvoiceId = "I1", ReasonCode = "QTY", Opened = D(opened) });

        Assert.Equal(expected, Gaps(ar).Any(g => g.Kind == GapKind.DisputeOpenTooLong));
    }

    [Fact]
    public void Invoicing_a_customer_over_its_credit_limit_is_a_gap()
    {
        var ar = Customer(creditLimit: 1_500m)
            .Invoice("I1", "2026-03-01", "2026-04-30", 1_000m)
            .Invoice("I2", "2026-03-05", "2026-04-30", 1_000m) // AR before: 1,000 ≤ 1,500
            .Invoice("I3", "2026-03-10", "2026-04-30", 600m); // AR before: 2,000 > 1,500

        var gaps = Gaps(ar);

        Assert.Equal((GapKind.CreditLimitExceeded, "I3", 600m), Only(gaps, GapKind.CreditLimitExceeded));
        Assert.Equal("u.anna", gaps.Single().Collector);
    }

    [Fact]
    public void Gaps_are_ranked_by_money_at_stake()
    {
        var ar = Customer(creditLimit: 100m)
            .Invoice("I1", "2026-01-01", "2026-02-01", 1_000m)
            .Invoice("I2", "2026-03-10", "2026-04-30", 5_000m);

        Assert.Equal([GapKind.CreditLimitExceeded, GapKind.OverdueNoContact], Gaps(ar).Select(g => g.Kind));
    }
}
