using Microsoft.DurableTask;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Workflows.Dunning;

namespace CollectionsFx.Workflows.Tests;

/// <summary>
/// The dunning cycle generation by generation against the faked context: timers fire at once and move the clock, so the
/// dates the orchestrator wakes on and what it sends on each are the date arithmetic under test.
/// </summary>
public sealed class DunningCycleTests
{
    private static readonly DateOnly Due = new(2026, 3, 10);

    private static readonly Playbook Book = new("test", "test", [Segment.Smb], ["medium"],
    [
        new PlaybookStep("courtesy", -3, DunningChannel.Email, "courtesy", 0, false),
        new PlaybookStep("reminder-1", 3, DunningChannel.Email, "reminder-1", 0, false),
        new PlaybookStep("reminder-2", 14, DunningChannel.Email, "reminder-2", 0, false),
        new PlaybookStep("final", 30, DunningChannel.CrmEscalation, "final", 0, true),
    ]);

    private static readonly DunningClock Clock = DunningClock.Daily(new DateOnly(2026, 1, 1), TimeZoneInfo.Utc);

    /// <summary>Runs generations (each ContinueAsNew feeds the next) until the cycle ends or <paramref name="max"/> generations.</summary>
    private static async Task<(DunningOutcome Outcome, int Generations)> DriveAsync(FakeOrchestrationContext context, DunningCycleInput input, int max = 40)
    {
        for (var generation = 1; generation <= max; generation++)
        {
            var outcome = await new DunningCycle().RunAsync(context, input);
            if (context.TakeContinuation() is not DunningCycleInput next)
            {
                return (outcome, generation);
            }

            input = next;
        }

        throw new InvalidOperationException($"The cycle did not end within {max} generations.");
    }

    private sealed class Ledger
    {
        public List<DunningItem> Items { get; } =
        [
            new("I1", Due, 100m, 100m, "EUR"),
            new("I2", Due.AddDays(10), 200m, 200m, "EUR"),
        ];

        /// <summary>Payments by date: from that date on, the invoice is paid.</summary>
        public Dictionary<string, DateOnly> PaidOn { get; } = [];

        public DunningView View(DateOnly today) => new(
            Book, Clock, [.. Items.Select(i => PaidOn.TryGetValue(i.InvoiceId, out var paid) && paid <= today ? i with { Open = 0 } : i)], false, ["manager-a", "manager-b"], TimeSpan.FromDays(2));
    }

    [Fact]
    public async Task A_cycle_sends_each_step_once_on_its_day_consolidated_per_customer_and_ends_when_all_is_paid()
    {
        var ledger = new Ledger();
        ledger.PaidOn["I1"] = Due.AddDays(45);
        ledger.PaidOn["I2"] = Due.AddDays(45);
        var approvals = new List<ApprovalRequest>();
        var start = Due.AddDays(-5);
        var context = new FakeOrchestrationContext(DunningCycle.InstanceId("C1"), Clock.RunTimeOf(start));
        context.OnActivity<string, DunningView>(nameof(LoadDunningView), _ => ledger.View(Clock.DateOf(context.CurrentUtcDateTime)))
            .OnActivity<NoticeRequest, NoticeResult>(nameof(SendDunningNotice), _ => new NoticeResult(true, "sent"))
            .OnActivity<ApprovalRequest, bool>(nameof(RequestDunningApproval), r => { approvals.Add(r); return true; });
        context.Raise(DunningCycle.ApprovalEvent, new ApprovalDecision(true, "manager-a")); // the first final notice is approved at once

        var (outcome, generations) = await DriveAsync(context, new DunningCycleInput("C1"));

        var notices = context.Calls.Where(c => c.Name == nameof(SendDunningNotice))
            .Select(c => (Date: Clock.DateOf(c.At), Request: (NoticeRequest)c.Input!))
            .Select(x => (Day: x.Date.DayNumber - Due.DayNumber, x.Request.Notice.Step.Id, Lines: string.Join(",", x.Request.Notice.Lines.Select(l => $"{l.InvoiceId}@{l.Level}"))))
            .ToList();
        Assert.Equal(
        [
            (-3, "courtesy", "I1@1"),
            (3, "reminder-1", "I1@2"),
            (7, "courtesy", "I2@1"),             // I2 is due on day 10: its courtesy reminder lists it alone
            (13, "reminder-1", "I1@2,I2@2"),     // I2 reaches reminder-1: one notice lists every overdue invoice
            (14, "reminder-2", "I1@3,I2@2"),
            (24, "reminder-2", "I1@3,I2@3"),
            (30, "final", "I1@4,I2@3"),          // approved by manager-a
        ], notices);
        Assert.All(context.Calls.Where(c => c.Name == nameof(SendDunningNotice)), c => Assert.Equal(8, c.At.Hour)); // steps run at 08:00
        var keys = context.Calls.Where(c => c.Name == nameof(SendDunningNotice)).Select(c => ((NoticeRequest)c.Input!).Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal("manager-a", ((NoticeRequest)context.Calls.Last(c => c.Name == nameof(SendDunningNotice)).Input!).ApprovedBy);

        // I2's final notice on day 40: nobody answers, so manager-a, then manager-b after 2 days, then the step is skipped.
        Assert.Equal([("manager-a", 1, 30), ("manager-a", 1, 40), ("manager-b", 2, 42)], approvals.Zip(
            context.Calls.Where(c => c.Name == nameof(RequestDunningApproval)).Select(c => Clock.DateOf(c.At).DayNumber - Due.DayNumber), (a, d) => (a.Approver, a.Round, d)));
        Assert.Equal("nothing open: the cycle ends", outcome.Reason);
        Assert.True(generations < 20, $"{generations} generations");
    }

    [Fact]
    public async Task A_generation_decided_again_later_names_the_same_notice_and_a_later_rise_of_another_invoice_a_new_one()
    {
        // Reminder 2 of I1 on day 14, decided by generation 3; the same state run again as generation 7 (a start message
        // delivered twice after a host died) decides the same notice: same key, so the outbox sends it once.
        var ledger = new Ledger();
        var state = new DunningCycleInput("C1", 3, new Dictionary<string, int> { ["I1"] = 2 }, Cycle: "20260301T080000000");
        async Task<NoticeRequest> DecideAsync(DunningCycleInput input, DateOnly on)
        {
            var context = new FakeOrchestrationContext(DunningCycle.InstanceId("C1"), Clock.RunTimeOf(on));
            context.OnActivity<string, DunningView>(nameof(LoadDunningView), _ => ledger.View(on))
                .OnActivity<NoticeRequest, NoticeResult>(nameof(SendDunningNotice), _ => new NoticeResult(true, "sent"));
            await new DunningCycle().RunAsync(context, input);
            return (NoticeRequest)context.Calls.Single(c => c.Name == nameof(SendDunningNotice)).Input!;
        }

        var first = await DecideAsync(state, Due.AddDays(14));
        var again = await DecideAsync(state with { Iteration = 7 }, Due.AddDays(14));
        Assert.Equal(first.Key, again.Key);
        Assert.StartsWith("dunning-C1/20260301T080000000/L3/", first.Key, StringComparison.Ordinal);

        // I2 reaches reminder 2 on day 24: the notice lists I1 again at the same level, but it takes I2 there: a new notice.
        var later = await DecideAsync(state with { LevelsSent = new Dictionary<string, int> { ["I1"] = 3, ["I2"] = 2 } }, Due.AddDays(24));
        Assert.Equal(3, later.Notice.Level);
        Assert.NotEqual(first.Key, later.Key);

        // A cycle started again after one that ended (an invoice reopened) sends its own notices.
        var restarted = await DecideAsync(state with { Cycle = "20260601T080000000" }, Due.AddDays(14));
        Assert.NotEqual(first.Key, restarted.Key);
    }

    [Fact]
    public async Task A_snooze_holds_the_cycle_until_the_day_after_and_a_block_until_it_is_lifted()
    {
        var ledger = new Ledger();
        ledger.Items.RemoveAt(1);
        var start = Due.AddDays(2);
        var context = new FakeOrchestrationContext(DunningCycle.InstanceId("C1"), Clock.RunTimeOf(start));
        context.OnActivity<string, DunningView>(nameof(LoadDunningView), _ => ledger.View(Clock.DateOf(context.CurrentUtcDateTime)))
            .OnActivity<NoticeRequest, NoticeResult>(nameof(SendDunningNotice), _ => new NoticeResult(true, "sent"));

        // Generation 1 (day 2): nothing due yet; a snooze until day 6 arrives.
        context.Raise(DunningCycle.SignalEvent, new DunningSignal("snooze", Due.AddDays(6)));
        await new DunningCycle().RunAsync(context, new DunningCycleInput("C1"));
        var next = (DunningCycleInput)context.TakeContinuation()!;
        Assert.Equal(Due.AddDays(6), next.SnoozedUntil);

        // Generation 2: snoozed, so it sleeps until day 7; a block arrives first.
        context.Raise(DunningCycle.SignalEvent, new DunningSignal("block"));
        await new DunningCycle().RunAsync(context, next);
        next = (DunningCycleInput)context.TakeContinuation()!;
        Assert.True(next.Blocked);
        Assert.DoesNotContain(context.Calls, c => c.Name == nameof(SendDunningNotice));

        // Generation 3: blocked, nothing scheduled: it looks again after the idle period unless unblocked; unblock comes.
        context.Raise(DunningCycle.SignalEvent, new DunningSignal("unblock"));
        await new DunningCycle().RunAsync(context, next);
        next = (DunningCycleInput)context.TakeContinuation()!;
        Assert.False(next.Blocked);
        Assert.Null(next.SnoozedUntil);

        // Generation 4 (still day 2: the signals woke it without waiting for timers): free again, nothing due until
        // reminder-1 on day 3, so it sleeps until then; generation 5 sends it on that day at 08:00.
        await new DunningCycle().RunAsync(context, next);
        Assert.Equal(Clock.RunTimeOf(Due.AddDays(3)), context.Timers[^1]);
        next = (DunningCycleInput)context.TakeContinuation()!;
        await new DunningCycle().RunAsync(context, next);
        var send = Assert.Single(context.Calls, c => c.Name == nameof(SendDunningNotice));
        Assert.Equal(("reminder-1", Due.AddDays(3)), (((NoticeRequest)send.Input!).Notice.Step.Id, Clock.DateOf(send.At)));
        Assert.Equal(Clock.RunTimeOf(Due.AddDays(3)), send.At);
    }

    [Fact]
    public async Task A_credit_hold_the_cycle_set_is_released_when_everything_is_paid_and_a_broken_promise_raises_the_next_notice()
    {
        var book = new Playbook("hold", "hold", [Segment.Smb], ["high"],
        [
            new PlaybookStep("reminder-1", 1, DunningChannel.Email, "reminder-1", 0, false),
            new PlaybookStep("credit-hold", 5, DunningChannel.CreditHold, "credit-hold", 0, false),
            new PlaybookStep("final", 20, DunningChannel.Email, "final-notice", 0, false),
        ]);
        var paidOn = Due.AddDays(8);
        var brokenOn = Due.AddDays(3); // a promise on I1 is broken on day 3: its promise level is 1 from then on
        var context = new FakeOrchestrationContext(DunningCycle.InstanceId("C1"), Clock.RunTimeOf(Due));
        DunningView View()
        {
            var today = Clock.DateOf(context.CurrentUtcDateTime);
            var item = new DunningItem("I1", Due, today >= paidOn ? 0m : 100m, 100m, "EUR", PromiseLevel: today >= brokenOn ? 1 : 0);
            return new DunningView(book, Clock, [item], false, [], TimeSpan.FromDays(2));
        }

        var holds = new List<(int Day, bool Hold)>();
        context.RaiseAt(Clock.RunTimeOf(brokenOn).AddHours(2), DunningCycle.SignalEvent, new DunningSignal("changed")); // the verdict wakes the cycle
        context.RaiseAt(Clock.RunTimeOf(paidOn).AddHours(2), DunningCycle.SignalEvent, new DunningSignal("changed"));    // so does the payment
        context.OnActivity<string, DunningView>(nameof(LoadDunningView), _ => View())
            .OnActivity<NoticeRequest, NoticeResult>(nameof(SendDunningNotice), _ => new NoticeResult(true, "done"))
            .OnActivity<Actions.CreditHoldRequest, Actions.ActionResult>(nameof(Actions.SetCreditHold), r =>
            {
                holds.Add((Clock.DateOf(context.CurrentUtcDateTime).DayNumber - Due.DayNumber, r.Hold));
                return new Actions.ActionResult(true, "released");
            });

        var (outcome, _) = await DriveAsync(context, new DunningCycleInput("C1"));

        var steps = context.Calls.Where(c => c.Name == nameof(SendDunningNotice))
            .Select(c => (Clock.DateOf(c.At).DayNumber - Due.DayNumber, ((NoticeRequest)c.Input!).Notice.Step.Id)).ToList();
        // Reminder on day 1; the broken promise of day 3 raises I1 to the credit hold at once (its own day is 5); paid on day 8.
        Assert.Equal([(1, "reminder-1"), (3, "credit-hold")], steps);
        Assert.Equal([(8, false)], holds);
        Assert.Equal("nothing open: the cycle ends", outcome.Reason);
    }

    [Fact]
    public async Task A_notice_undelivered_after_its_retries_is_dead_lettered_and_offered_again_an_hour_later_under_the_same_key()
    {
        // The mail server is down on day 3 at 08:00 and back two playbook hours later.
        var ledger = new Ledger();
        var down = Clock.RunTimeOf(Due.AddDays(3)).AddHours(2);
        var context = new FakeOrchestrationContext(DunningCycle.InstanceId("C1"), Clock.RunTimeOf(Due.AddDays(3)));
        var dead = new List<UndeliveredNotice>();
        context.OnActivity<string, DunningView>(nameof(LoadDunningView), _ => ledger.View(Clock.DateOf(context.CurrentUtcDateTime)))
            .OnActivity<NoticeRequest, NoticeResult>(nameof(SendDunningNotice), _ => context.CurrentUtcDateTime < down
                ? throw new TaskFailedException(nameof(SendDunningNotice), 1, new TaskFailureDetails("SocketException", "Connection refused", null, null, null))
                : new NoticeResult(true, "sent"))
            .OnActivity<UndeliveredNotice, bool>(nameof(DeadLetterNotice), n => { dead.Add(n); return true; });
        var input = new DunningCycleInput("C1", 0, new Dictionary<string, int> { ["I1"] = 1 }, Cycle: "c");

        for (var generation = 0; generation < 3; generation++)
        {
            var outcome = await new DunningCycle().RunAsync(context, input);
            input = (DunningCycleInput)context.TakeContinuation()!;
            Assert.Equal(generation < 2 ? "undelivered" : "continued", outcome.Reason);
        }

        var sends = context.Calls.Where(c => c.Name == nameof(SendDunningNotice)).ToList();
        Assert.Equal(3, sends.Count);
        Assert.Single(sends.Select(c => ((NoticeRequest)c.Input!).Key).Distinct()); // the same notice each time: the outbox keeps it once
        Assert.Equal([0, 1, 2], sends.Select(c => (int)(c.At - Clock.RunTimeOf(Due.AddDays(3))).TotalHours));
        Assert.All(sends, c => Assert.Same(DunningCycle.SendRetry, c.Options)); // a real day: the real retry waits
        Assert.Equal(2, dead.Count);
        Assert.All(dead, d => Assert.Equal(((NoticeRequest)sends[0].Input!).Key, d.Key));
        Assert.Equal("Connection refused", dead[0].Error);
        Assert.Equal("reminder-1 (Email)", dead[0].What);
        // Only the delivered notice raised the level; the next wake is I2's courtesy reminder on day 7.
        Assert.Equal(2, input.LevelsSent!["I1"]);
        Assert.Equal(Clock.RunTimeOf(Due.AddDays(7)), context.Timers[^1]);
    }

    [Theory]
    [InlineData(86_400, 30_000, 600_000)] // a real day: 30 s, doubling to 10 minutes
    [InlineData(864, 300, 6_000)]         // a day of 14.4 minutes: a hundredth
    [InlineData(2, 50, 50)]               // a test's day of 2 s: never below 50 ms
    public void Send_retries_wait_in_playbook_time(int daySeconds, int firstMs, int maxMs)
    {
        var clock = new DunningClock(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateOnly(2026, 1, 1), TimeSpan.FromSeconds(daySeconds));
        var policy = DunningCycle.SendRetryFor(clock).Retry!.Policy!;
        Assert.Equal(4, policy.MaxNumberOfAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(firstMs), policy.FirstRetryInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(maxMs), policy.MaxRetryInterval);
    }

    [Fact]
    public async Task The_trace_of_what_woke_the_cycle_goes_with_its_next_notice()
    {
        const string Webhook = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var state = DunningCycle.Apply(new DunningCycleInput("C1", TraceParent: "00-11111111111111111111111111111111-2222222222222222-01"), new DunningSignal("changed", TraceParent: Webhook));
        Assert.Equal(Webhook, state.TraceParent);
        Assert.Equal(Webhook, DunningCycle.Apply(state, new DunningSignal("changed")).TraceParent); // a signal without one keeps it

        var ledger = new Ledger();
        var context = new FakeOrchestrationContext(DunningCycle.InstanceId("C1"), Clock.RunTimeOf(Due.AddDays(3)));
        context.OnActivity<string, DunningView>(nameof(LoadDunningView), _ => ledger.View(Due.AddDays(3)))
            .OnActivity<NoticeRequest, NoticeResult>(nameof(SendDunningNotice), _ => new NoticeResult(true, "sent"));
        await new DunningCycle().RunAsync(context, state with { LevelsSent = new Dictionary<string, int> { ["I1"] = 1 } });
        Assert.Equal(Webhook, ((NoticeRequest)context.Calls.Single(c => c.Name == nameof(SendDunningNotice)).Input!).TraceParent);
    }
}
