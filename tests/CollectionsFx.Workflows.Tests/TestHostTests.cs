using System.Collections.Concurrent;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Workflows.Actions;
using CollectionsFx.Workflows.Dunning;
using CollectionsFx.Workflows.Promises;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.Workflows.Tests;

/// <summary>
/// Both collection orchestrations in <see cref="DurableTaskTestHost"/> (the real Durable runtime, in memory): serialization,
/// event names, timers, ContinueAsNew and retries as they run, with the application's work faked and playbook days of 500 ms, steps days apart (a busy machine may be slow to dispatch).
/// </summary>
public sealed class TestHostTests
{
    private static readonly TimeSpan Day = TimeSpan.FromMilliseconds(500);

    /// <summary>The work of the workflows over an in-memory book: what was sent, asked, escalated and held.</summary>
    private sealed class World : IDunningActions, IPromiseActions, ICollectionActions
    {
        private DunningClock? started;

        /// <summary>Day 0 starts when the orchestration first reads (the host takes longer to start and dispatch than a day lasts).</summary>
        private DunningClock clock => started ??= new DunningClock(DateTime.UtcNow, new DateOnly(2026, 3, 10), Day);

        public DateOnly Due => clock.EpochDate.AddDays(-1);

        public ConcurrentQueue<string> Log { get; } = new();

        public volatile bool Paid;

        public volatile bool Withdrawn;

        private static readonly Playbook Book = new("test", "test", [Segment.Smb], ["medium"],
        [
            new PlaybookStep("reminder-1", 1, DunningChannel.Email, "reminder-1", 0, false),
            new PlaybookStep("reminder-2", 4, DunningChannel.Email, "reminder-2", 0, true),
            new PlaybookStep("credit-hold", 12, DunningChannel.CreditHold, "credit-hold", 0, false),
        ]);

        /// <summary>Playbook days since the test started.</summary>
        private int Today => clock.DateOf(DateTime.UtcNow).DayNumber - clock.EpochDate.DayNumber;

        public Task<DunningView> LoadViewAsync(string customerId, CancellationToken cancellationToken) =>
            Task.FromResult(new DunningView(Book, clock, [new DunningItem("I1", Due, Paid ? 0m : 100m, 100m, "EUR")], false, ["m1", "m2"], 3 * Day));

        public Task<NoticeResult> SendNoticeAsync(NoticeRequest request, CancellationToken cancellationToken)
        {
            Log.Enqueue($"{request.Notice.Step.Id}{(request.ApprovedBy is { } by ? " approved by " + by : "")}");
            return Task.FromResult(new NoticeResult(true, "sent"));
        }

        public Task DeadLetterAsync(UndeliveredNotice notice, CancellationToken cancellationToken)
        {
            Log.Enqueue($"dead letter {notice.What}");
            return Task.CompletedTask;
        }

        public Task RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken)
        {
            Log.Enqueue($"approval {request.Round} from {request.Approver}");
            return Task.CompletedTask;
        }

        /// <summary>P1 is made on day 0 for day 4 (deadline day 5); any other is made on its first read for 20 days later.</summary>
        public Task<PromiseView?> LoadPromiseAsync(PromiseFollowUpInput input, CancellationToken cancellationToken)
        {
            var made = input.PromiseId is "P1" or "KEPT1" ? clock.EpochDate : madeOn.GetOrAdd(input.PromiseId, _ => clock.DateOf(DateTime.UtcNow));
            var promised = made.AddDays(input.PromiseId is "P1" or "KEPT1" ? 4 : 20);
            return Task.FromResult<PromiseView?>(new PromiseView(
                input.CustomerId, input.PromiseId, Withdrawn ? PromiseState.Withdrawn : PromiseState.Open, made, promised, promised.AddDays(1), 500m, 0m, "EUR", ["I1"], clock, 2));
        }

        private readonly ConcurrentDictionary<string, DateOnly> madeOn = new(StringComparer.Ordinal);

        public Task<NoticeResult> SendPromiseMailAsync(PromiseMailRequest request, CancellationToken cancellationToken)
        {
            Log.Enqueue(request.Template);
            return Task.FromResult(new NoticeResult(true, "sent"));
        }

        public Task<PromiseVerdict> RecordVerdictAsync(PromiseFollowUpInput input, CancellationToken cancellationToken)
        {
            Log.Enqueue($"verdict on day {Today}");
            return Task.FromResult(input.PromiseId.StartsWith("KEPT", StringComparison.Ordinal) ? new PromiseVerdict(PromiseState.Kept, 500m, null) : new PromiseVerdict(PromiseState.Broken, 0m, "P0"));
        }

        public Task<ActionResult> EscalateAsync(EscalationRequest request, CancellationToken cancellationToken)
        {
            Log.Enqueue($"case {request.Key}");
            return Task.FromResult(new ActionResult(true, "ok"));
        }

        public Task<ActionResult> CreateTaskAsync(TaskRequest request, CancellationToken cancellationToken)
        {
            Log.Enqueue($"task {request.Kind}");
            return Task.FromResult(new ActionResult(true, "ok"));
        }

        public Task<ActionResult> SetCreditHoldAsync(CreditHoldRequest request, CancellationToken cancellationToken)
        {
            Log.Enqueue(request.Hold ? "hold" : "release");
            return Task.FromResult(new ActionResult(true, "ok"));
        }
    }

    private static async Task<(DurableTaskTestHost Host, World World)> StartAsync()
    {
        var world = new World();
        var host = await DurableTaskTestHost.StartAsync(r => r.AddCollectionsWorkflows(), new DurableTaskTestHostOptions
        {
            ConfigureServices = services => services
                .AddSingleton<IDunningActions>(world).AddSingleton<IPromiseActions>(world).AddSingleton<ICollectionActions>(world),
        });
        return (host, world);
    }

    private static async Task WaitForAsync(World world, Func<bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"waited 30 s for {what}; so far: {string.Join(" | ", world.Log)}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_cycle_escalates_an_unanswered_approval_holds_credit_and_releases_it_when_paid()
    {
        var (host, world) = await StartAsync();
        await using (host)
        {
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(DunningCycle), new DunningCycleInput("C1"), new StartOrchestrationOptions(DunningCycle.InstanceId("C1")));

            // Nobody answers the first approver; the second approves.
            await WaitForAsync(world, () => world.Log.Contains("approval 2 from m2"), "the approval to escalate");
            await host.Client.RaiseEventAsync(id, DunningCycle.ApprovalEvent, new ApprovalDecision(true, "m2"));
            await WaitForAsync(world, () => world.Log.Contains("credit-hold"), "the credit-hold step");
            world.Paid = true;
            await host.Client.RaiseEventAsync(id, DunningCycle.SignalEvent, new DunningSignal("changed"));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, wait.Token);

            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            Assert.Equal("nothing open: the cycle ends", done.ReadOutputAs<DunningOutcome>()!.Reason);
            Assert.Equal(["reminder-1", "approval 1 from m1", "approval 2 from m2", "reminder-2 approved by m2", "credit-hold", "release"], world.Log);
        }
    }

    [Fact]
    public async Task A_broken_promise_in_a_pattern_opens_two_cases_and_a_task_and_a_withdrawn_one_ends_at_once()
    {
        var (host, world) = await StartAsync();
        await using (host)
        {
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(PromiseFollowUp), new PromiseFollowUpInput("C1", "P1"), new StartOrchestrationOptions(PromiseFollowUp.InstanceId("P1")));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, wait.Token);

            Assert.Equal(new PromiseOutcome("P1", PromiseState.Broken, true, true, "broken promise pattern"), done.ReadOutputAs<PromiseOutcome>());
            // Confirmed on day 0, reminded on day 2 (promised date 4 - 2), judged on day 6 (deadline 5 + 1).
            Assert.Equal(["promise-confirmation", "promise-reminder", "verdict on day 6", "case promise-P1/broken", "case promise-P1/pattern", "task broken-promises"], world.Log);

            // A second promise, for 20 days later, is withdrawn after its confirmation while it waits for its reminder.
            var second = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(PromiseFollowUp), new PromiseFollowUpInput("C1", "P2"), new StartOrchestrationOptions(PromiseFollowUp.InstanceId("P2")));
            await WaitForAsync(world, () => world.Log.Count(l => l == "promise-confirmation") == 2, "the second confirmation");
            world.Withdrawn = true;
            await host.Client.RaiseEventAsync(second, PromiseFollowUp.ChangedEvent, "withdrawn");
            var withdrawn = await host.Client.WaitForInstanceCompletionAsync(second, getInputsAndOutputs: true, wait.Token);
            Assert.Equal(PromiseState.Withdrawn, withdrawn.ReadOutputAs<PromiseOutcome>()!.State);
            Assert.Equal(1, world.Log.Count(l => l.StartsWith("verdict", StringComparison.Ordinal)));
            Assert.Equal(1, world.Log.Count(l => l == "promise-reminder"));
        }
    }

    [Fact]
    public async Task A_kept_promise_is_recorded_without_escalation_and_a_snoozed_then_blocked_cycle_sends_nothing_until_unblocked()
    {
        var (host, world) = await StartAsync();
        await using (host)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var kept = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(PromiseFollowUp), new PromiseFollowUpInput("C1", "KEPT1"), new StartOrchestrationOptions(PromiseFollowUp.InstanceId("KEPT1")));
            var done = await host.Client.WaitForInstanceCompletionAsync(kept, getInputsAndOutputs: true, wait.Token);
            Assert.Equal(new PromiseOutcome("KEPT1", PromiseState.Kept, false, false, "evaluated"), done.ReadOutputAs<PromiseOutcome>());
            Assert.DoesNotContain(world.Log, l => l.StartsWith("case", StringComparison.Ordinal) || l.StartsWith("task", StringComparison.Ordinal));

            // A cycle blocked by a person before its first step sends nothing; unblocked, it sends the step that came meanwhile.
            // (The promise took six playbook days and the block eight more: day 14 or later, past the credit hold's day 11.)
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(DunningCycle), new DunningCycleInput("C1", Blocked: true), new StartOrchestrationOptions(DunningCycle.InstanceId("C1")));
            await Task.Delay(8 * Day);
            Assert.DoesNotContain("reminder-1", world.Log);
            var before = world.Log.Count;
            await host.Client.RaiseEventAsync(id, DunningCycle.SignalEvent, new DunningSignal("unblock"));
            await WaitForAsync(world, () => world.Log.Count > before, "the step after the block");
            // Days went by while it was blocked: it catches up to the highest step reached, once, not every step in turn.
            Assert.Equal(["credit-hold"], world.Log.Skip(before));
            var state = (await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!.ReadInputAs<DunningCycleInput>()!;
            Assert.False(state.Blocked);
            await host.Client.TerminateInstanceAsync(id);
        }
    }
}
