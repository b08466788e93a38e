using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Tests.Dunning;

public sealed class DunningDeciderTests
{
    private static readonly DateOnly Today = new(2026, 12, 4);

    private static readonly Playbook Book = new("test", "test", [Segment.Smb], ["medium"],
    [
        new PlaybookStep("courtesy", -3, DunningChannel.Email, "courtesy", 0, false),
        new PlaybookStep("reminder-1", 3, DunningChannel.Email, "reminder-1", 0, false),
        new PlaybookStep("reminder-2", 14, DunningChannel.Email, "reminder-2", 100, false),
        new PlaybookStep("final", 30, DunningChannel.CrmEscalation, "final", 0, true),
    ]);

    private static DunningItem Item(string id, int daysOverdue, decimal open = 100m, bool disputed = false, bool promised = false, bool blocked = false) =>
        new(id, Today.AddDays(-daysOverdue), open, open, "EUR", disputed, promised, blocked);

    private static DunningDecision Decide(IReadOnlyList<DunningItem> items, Dictionary<string, int>? sent = null, bool customerBlocked = false, DateOnly? snoozed = null) =>
        DunningDecider.Decide(Book, items, sent ?? [], Today, customerBlocked, snoozed);

    [Theory]
    [InlineData(-5, 0, null, 2)]           // due in 5 days: courtesy comes in 2 days
    [InlineData(-3, 0, "courtesy", 6)]     // due in 3 days: courtesy today, reminder-1 on due + 3
    [InlineData(0, 0, null, 3)]            // due today: not overdue, and no courtesy mail on the due date
    [InlineData(2, 0, null, 1)]            // 2 days overdue: the missed courtesy counts as passed; reminder-1 tomorrow
    [InlineData(3, 0, "reminder-1", 11)]   // first overdue step on due + 3
    [InlineData(3, 2, null, 11)]           // already sent: nothing new
    [InlineData(20, 2, "reminder-2", 10)]  // catches up to the highest step reached, once
    [InlineData(31, 3, "final", null)]     // the last step: nothing comes after it
    public void An_invoice_reaches_the_step_whose_day_has_come(int daysOverdue, int sent, string? step, int? nextInDays)
    {
        var decision = Decide([Item("I1", daysOverdue, 150m)], new() { ["I1"] = sent });

        Assert.Equal(step, decision.Notice?.Step.Id);
        Assert.Equal(nextInDays is { } n ? Today.AddDays(n) : null, decision.NextReview);
        Assert.False(decision.Done);
    }

    [Fact]
    public void One_notice_per_customer_lists_every_overdue_invoice_at_the_highest_new_level()
    {
        var decision = Decide([Item("A", 4), Item("B", 15), Item("C", 5)], new() { ["A"] = 2 });

        Assert.Equal("reminder-2", decision.Notice!.Step.Id);
        Assert.Equal(["B", "C", "A"], decision.Notice.Lines.Select(l => l.InvoiceId)); // oldest due first
        Assert.Equal([3, 2, 2], decision.Notice.Lines.Select(l => l.Level));
        Assert.Equal(300m, decision.Notice.Total);
    }

    [Fact]
    public void A_disputed_or_promised_or_blocked_invoice_is_skipped_and_the_others_are_still_dunned()
    {
        var decision = Decide([Item("D", 10, disputed: true), Item("P", 10, promised: true), Item("B", 10, blocked: true), Item("OK", 10)]);

        Assert.Equal(["OK"], decision.Notice!.Lines.Select(l => l.InvoiceId));
        Assert.Equal([("D", "disputed"), ("P", "promised"), ("B", "blocked")], decision.Skipped.Select(s => (s.InvoiceId, s.Reason)));
    }

    [Fact]
    public void A_partially_paid_invoice_is_dunned_for_the_rest_and_a_paid_one_not_at_all()
    {
        var decision = Decide([Item("PART", 10, open: 40m), Item("PAID", 10, open: 0m)]);

        Assert.Equal([("PART", 40m)], decision.Notice!.Lines.Select(l => (l.InvoiceId, l.Open)));
    }

    [Fact]
    public void A_step_below_its_minimum_open_amount_is_not_sent()
    {
        var decision = Decide([Item("S", 15, open: 80m)], new() { ["S"] = 2 });

        Assert.Null(decision.Notice);
        Assert.Contains("below the minimum of 100.00", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blocked_customer_gets_nothing_and_waits_for_the_block_to_be_lifted()
    {
        var decision = Decide([Item("I1", 10)], customerBlocked: true);

        Assert.Null(decision.Notice);
        Assert.Null(decision.NextReview);
        Assert.Equal("customer blocked", decision.Skipped.Single().Reason);
    }

    [Fact]
    public void A_snoozed_customer_is_looked_at_again_the_day_after_the_snooze()
    {
        var decision = Decide([Item("I1", 10)], snoozed: Today.AddDays(4));

        Assert.Null(decision.Notice);
        Assert.Equal(Today.AddDays(5), decision.NextReview);
    }

    [Fact]
    public void Nothing_open_ends_the_cycle_and_held_items_keep_it_waiting()
    {
        Assert.True(Decide([Item("I1", 10, open: 0m)]).Done);
        var held = Decide([Item("I1", 10, disputed: true)]);
        Assert.False(held.Done);
        Assert.Null(held.NextReview);
        Assert.Equal("every open item is held", held.Reason);
    }

    [Theory]
    [InlineData(10, 2, 1, 0, "reminder-2", 20)]  // broken after reminder-1: the next level now, not on day 14; the final keeps day 30
    [InlineData(10, 2, 1, 1, null, 4)]           // the cycle already answered that broken promise
    [InlineData(1, 0, 1, 0, "reminder-1", 13)]   // nothing sent yet: the first overdue step (the courtesy mail is past)
    [InlineData(16, 3, 2, 1, "final", null)]     // a second broken promise after reminder-2 goes on to the final step
    [InlineData(40, 4, 1, 0, null, null)]        // at the last step there is nothing higher
    [InlineData(-5, 0, 1, 0, null, 2)]           // not overdue: the raise waits, the days rule (courtesy on due - 3)
    public void A_broken_promise_resumes_dunning_at_the_next_level(int daysOverdue, int sent, int promiseLevel, int seen, string? step, int? nextInDays)
    {
        var item = Item("I1", daysOverdue, 150m) with { PromiseLevel = promiseLevel };

        var decision = DunningDecider.Decide(Book, [item], new Dictionary<string, int> { ["I1"] = sent }, Today, promiseLevelsSeen: new Dictionary<string, int> { ["I1"] = seen });

        Assert.Equal(step, decision.Notice?.Step.Id);
        Assert.Equal(nextInDays is { } n ? Today.AddDays(n) : null, decision.NextReview);
    }

    [Fact]
    public void A_raised_invoice_is_listed_with_the_customers_other_overdue_invoices()
    {
        var decision = DunningDecider.Decide(
            Book, [Item("BROKEN", 6) with { PromiseLevel = 1 }, Item("OTHER", 5)], new Dictionary<string, int> { ["BROKEN"] = 2, ["OTHER"] = 2 }, Today);

        Assert.Equal("reminder-2", decision.Notice!.Step.Id);
        Assert.Equal([("BROKEN", 3), ("OTHER", 2)], decision.Notice.Lines.Select(l => (l.InvoiceId, l.Level)));
    }
}
