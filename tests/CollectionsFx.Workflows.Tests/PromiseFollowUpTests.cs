using Microsoft.DurableTask;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Workflows.Actions;
using CollectionsFx.Workflows.Dunning;
using CollectionsFx.Workflows.Promises;

namespace CollectionsFx.Workflows.Tests;

/// <summary>
/// Every path of the promise follow-up against the faked context: the days it mails and evaluates on, what a payment, a
/// withdrawal or a second broken promise changes, and that it never escalates a kept promise.
/// </summary>
public sealed class PromiseFollowUpTests
{
    private static readonly DateOnly Made = new(2026, 3, 2);
    private static readonly DunningClock Clock = DunningClock.Daily(new DateOnly(2026, 1, 1), TimeZoneInfo.Utc);

    /// <summary>A promise of 1,000 EUR by day 10 after it was made, two days' tolerance, reminded two days before.</summary>
    private sealed class Promise
    {
        public Dictionary<int, decimal> Payments { get; } = [];

        public PromiseState Recorded { get; set; } = PromiseState.Open;

        public string? PatternWith { get; init; }

        public PromiseView View(DateOnly today)
        {
            var paid = Payments.Where(p => Made.AddDays(p.Key) <= today).Sum(p => p.Value);
            var deadline = Made.AddDays(12);
            return new PromiseView("C1", "P1", Recorded, Made, Made.AddDays(10), deadline, 1000m, paid, "EUR", ["I1", "I2"], Clock, 2);
        }
    }

    private static (FakeOrchestrationContext Context, List<string> Log) Arrange(Promise promise, int startDay = 0)
    {
        var log = new List<string>();
        var context = new FakeOrchestrationContext(PromiseFollowUp.InstanceId("P1"), Clock.RunTimeOf(Made.AddDays(startDay)).AddHours(3));
        int Day() => Clock.DateOf(context.CurrentUtcDateTime).DayNumber - Made.DayNumber;
        context.OnActivity<PromiseFollowUpInput, PromiseView?>(nameof(LoadPromise), _ => promise.View(Clock.DateOf(context.CurrentUtcDateTime)))
            .OnActivity<PromiseMailRequest, NoticeResult>(nameof(SendPromiseMail), r => { log.Add($"{Day()}:{r.Template}"); return new NoticeResult(true, "sent"); })
            .OnActivity<PromiseFollowUpInput, PromiseVerdict>(nameof(RecordPromiseVerdict), _ =>
            {
                var view = promise.View(Clock.DateOf(context.CurrentUtcDateTime));
                var state = view.Paid >= view.Amount ? PromiseState.Kept : view.Paid > 0 ? PromiseState.PartiallyKept : PromiseState.Broken;
                log.Add($"{Day()}:verdict {state}");
                return new PromiseVerdict(state, view.Paid, state == PromiseState.Broken ? promise.PatternWith : null);
            })
            .OnActivity<EscalationRequest, ActionResult>(nameof(CreateCrmEscalation), r => { log.Add($"{Day()}:case {r.Key}{(r.Urgent ? " urgent" : "")}"); return new ActionResult(true, "ok"); })
            .OnActivity<TaskRequest, ActionResult>(nameof(CreateCollectorTask), r => { log.Add($"{Day()}:task {r.Kind} due +{r.Due.DayNumber - Made.DayNumber}"); return new ActionResult(true, "ok"); });
        return (context, log);
    }

    public static TheoryData<int?, decimal, string?, PromiseState, string> Paths => new()
    {
        // paid on day, amount, earlier broken promise, outcome, what happened (day:action)
        { 11, 1000m, null, PromiseState.Kept, "0:promise-confirmation|8:promise-reminder|13:verdict Kept" },
        { 5, 1000m, null, PromiseState.Kept, "0:promise-confirmation|13:verdict Kept" },                        // paid before the reminder: none
        { 12, 400m, null, PromiseState.PartiallyKept, "0:promise-confirmation|8:promise-reminder|13:verdict PartiallyKept" },
        { 14, 1000m, null, PromiseState.Broken, "0:promise-confirmation|8:promise-reminder|13:verdict Broken|13:case promise-P1/broken" }, // a day late
        { null, 0m, "P0", PromiseState.Broken,
            "0:promise-confirmation|8:promise-reminder|13:verdict Broken|13:case promise-P1/broken|13:case promise-P1/pattern urgent|13:task broken-promises due +14" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_promise_is_confirmed_reminded_and_judged_the_day_after_its_tolerance(int? paidOnDay, decimal amount, string? earlierBroken, PromiseState state, string expected)
    {
        var promise = new Promise { PatternWith = earlierBroken };
        if (paidOnDay is { } day)
        {
            promise.Payments[day] = amount;
        }

        var (context, log) = Arrange(promise);

        var outcome = await new PromiseFollowUp().RunAsync(context, new PromiseFollowUpInput("C1", "P1"));

        Assert.Equal(expected, string.Join("|", log));
        Assert.Equal(state, outcome.State);
        Assert.Equal(state == PromiseState.Broken, outcome.Escalated);
        Assert.Equal(earlierBroken is not null, outcome.PatternEscalated);
        // Every timer the follow-up slept on started its day's run at 08:00.
        Assert.All(context.Timers, t => Assert.Equal(8, t.Hour));
    }

    [Fact]
    public async Task A_withdrawn_promise_ends_the_follow_up_at_once_without_reminder_or_verdict()
    {
        var promise = new Promise();
        var (context, log) = Arrange(promise);
        context.OnActivity<PromiseMailRequest, NoticeResult>(nameof(SendPromiseMail), r =>
        {
            log.Add(r.Template);
            promise.Recorded = PromiseState.Withdrawn; // the CRM withdraws it right after the confirmation; ingestion wakes the follow-up
            context.Raise(PromiseFollowUp.ChangedEvent, "changed");
            return new NoticeResult(true, "sent");
        });

        var outcome = await new PromiseFollowUp().RunAsync(context, new PromiseFollowUpInput("C1", "P1"));

        Assert.Equal(PromiseState.Withdrawn, outcome.State);
        Assert.Equal(["promise-confirmation"], log);
        Assert.DoesNotContain(context.Calls, c => c.Name is nameof(RecordPromiseVerdict) or nameof(CreateCrmEscalation));
    }

    [Fact]
    public async Task A_promise_already_judged_or_unknown_is_left_alone()
    {
        var judged = new Promise { Recorded = PromiseState.Kept };
        var (context, log) = Arrange(judged);

        var outcome = await new PromiseFollowUp().RunAsync(context, new PromiseFollowUpInput("C1", "P1"));

        Assert.Equal((PromiseState.Kept, "already Kept"), (outcome.State, outcome.Reason));
        Assert.Empty(log);

        var (unknown, _) = Arrange(judged);
        unknown.OnActivity<PromiseFollowUpInput, PromiseView?>(nameof(LoadPromise), _ => null);
        Assert.Equal("no such promise", (await new PromiseFollowUp().RunAsync(unknown, new PromiseFollowUpInput("C1", "P1"))).Reason);
    }

    [Fact]
    public async Task A_promise_learnt_on_its_reminder_day_is_not_confirmed_nor_reminded_and_crm_writes_use_their_retry_policy()
    {
        // Started on day 8 (the reminder day, promised date - 2) for a promise made on day 0: nothing to mail before the verdict.
        var (context, log) = Arrange(new Promise(), startDay: 8);

        await new PromiseFollowUp().RunAsync(context, new PromiseFollowUpInput("C1", "P1"));

        Assert.Equal("13:verdict Broken|13:case promise-P1/broken", string.Join("|", log));
        Assert.Same(ActionRetries.Crm, context.Calls.Single(c => c.Name == nameof(CreateCrmEscalation)).Options);
    }

    [Fact]
    public async Task Mails_use_the_send_retry_policy_and_a_promise_made_yesterday_is_still_confirmed()
    {
        var (context, log) = Arrange(new Promise(), startDay: 1);

        await new PromiseFollowUp().RunAsync(context, new PromiseFollowUpInput("C1", "P1"));

        Assert.StartsWith("1:promise-confirmation|8:promise-reminder|", string.Join("|", log), StringComparison.Ordinal);
        Assert.All(context.Calls.Where(c => c.Name == nameof(SendPromiseMail)), c => Assert.Same(DunningCycle.SendRetry, c.Options));
    }

    [Fact]
    public async Task Mail_and_crm_down_beyond_their_retries_are_dead_lettered_and_the_follow_up_still_judges_the_promise()
    {
        var promise = new Promise { PatternWith = "P0" };
        var (context, log) = Arrange(promise);
        var down = new TaskFailedException("x", 1, new TaskFailureDetails("CrmException", "Dataverse answered 503 circuit-open", null, null, null));
        var dead = new List<UndeliveredNotice>();
        context.OnActivity<PromiseMailRequest, NoticeResult>(nameof(SendPromiseMail), _ => throw down)
            .OnActivity<EscalationRequest, ActionResult>(nameof(CreateCrmEscalation), _ => throw down)
            .OnActivity<TaskRequest, ActionResult>(nameof(CreateCollectorTask), r => { log.Add($"task {r.Kind}"); return new ActionResult(true, "ok"); })
            .OnActivity<UndeliveredNotice, bool>(nameof(DeadLetterNotice), n => { dead.Add(n); return true; });

        var outcome = await new PromiseFollowUp().RunAsync(context, new PromiseFollowUpInput("C1", "P1"));

        Assert.Equal(PromiseState.Broken, outcome.State);
        Assert.Equal("13:verdict Broken|task broken-promises", string.Join("|", log));
        Assert.Equal(
            ["promise-P1/confirmation", "promise-P1/reminder", "promise-P1/broken", "promise-P1/pattern"],
            dead.Select(d => d.Key));
        Assert.All(dead, d => Assert.Equal("Dataverse answered 503 circuit-open", d.Error));
        Assert.Equal("CRM case for the broken promise", dead[2].What);
    }
}
