using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CollectionsFx.Workflows.Tests;

/// <summary>
/// A hand-made orchestration context for unit tests of orchestrator logic: activities answer from handlers the test gives,
/// every call is recorded, timers fire at once and move <see cref="CurrentUtcDateTime"/> to their due time, and external
/// events are raised by the test beforehand. A timer raced against an event that is already there (created with the same
/// cancellation token, as the race pattern does) loses: it never fires and does not move the clock. It runs the
/// orchestrator once (no replay): replay safety is the analyzer's and the integration tests' job.
/// </summary>
public sealed class FakeOrchestrationContext(string instanceId, DateTime startUtc) : TaskOrchestrationContext
{
    private readonly Dictionary<string, Func<object?, object?>> activities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<object?>> raised = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<TaskCompletionSource<object?>>> waiting = new(StringComparer.Ordinal);
    private readonly List<CancellationToken> answered = [];
    private DateTime now = startUtc;
    private int guids;

    /// <summary>Every activity call in order: name, input, options and the orchestration time of the call.</summary>
    public List<(string Name, object? Input, TaskOptions? Options, DateTime At)> Calls { get; } = [];

    /// <summary>Every timer's due time, in order.</summary>
    public List<DateTime> Timers { get; } = [];

    private readonly List<(DateTime At, string Name, object? Value)> scheduled = [];

    /// <summary>The input given to <see cref="ContinueAsNew"/>, if it was called.</summary>
    public object? ContinuedWith { get; private set; }

    /// <summary>The input given to <see cref="ContinueAsNew"/> since the last call, cleared: drives one generation after another.</summary>
    public object? TakeContinuation()
    {
        var next = ContinuedWith;
        ContinuedWith = null;
        return next;
    }

    /// <summary>The last custom status set.</summary>
    public object? CustomStatus { get; private set; }

    public override TaskName Name => new("Fake");

    public override string InstanceId => instanceId;

    public override ParentOrchestrationInstance? Parent => null;

    public override DateTime CurrentUtcDateTime => now;

    public override bool IsReplaying => false;

    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    /// <summary>Answers calls of activity <paramref name="name"/> with <paramref name="handler"/> (which may throw).</summary>
    public FakeOrchestrationContext OnActivity<TIn, TOut>(string name, Func<TIn, TOut> handler)
    {
        activities[name] = input => handler((TIn)input!);
        return this;
    }

    /// <summary>Delivers an external event now (to a waiting orchestrator) or to the next wait for it.</summary>
    public void Raise(string name, object? value)
    {
        if (waiting.TryGetValue(name, out var queue) && queue.Count > 0)
        {
            queue.Dequeue().SetResult(value);
            return;
        }

        if (!raised.TryGetValue(name, out var pending))
        {
            raised[name] = pending = new Queue<object?>();
        }

        pending.Enqueue(value);
    }

    public override T GetInput<T>() => throw new NotSupportedException("Orchestrators under test get their input as an argument.");

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        Calls.Add((name.Name, input, options, now));
        if (!activities.TryGetValue(name.Name, out var handler))
        {
            throw new InvalidOperationException($"The test gave no handler for activity {name.Name}.");
        }

        try
        {
            return Task.FromResult((TResult)handler(input)!);
        }
        catch (Exception ex)
        {
            return Task.FromException<TResult>(ex);
        }
    }

    /// <summary>
    /// Delivers an external event at <paramref name="at"/>: a timer that would fire later loses to it, and the clock moves to
    /// <paramref name="at"/> (an event that arrives while the orchestrator sleeps).
    /// </summary>
    public void RaiseAt(DateTime at, string name, object? value) => scheduled.Add((at, name, value));

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        foreach (var queue in waiting.Values)
        {
            while (queue.Count > 0 && queue.Peek().Task.IsCompleted)
            {
                queue.Dequeue(); // waits cancelled earlier
            }
        }

        var due = scheduled.Where(e => e.At < fireAt && waiting.TryGetValue(e.Name, out var q) && q.Count > 0).OrderBy(e => e.At).FirstOrDefault();
        if (due.Name is not null)
        {
            scheduled.Remove(due);
            now = due.At > now ? due.At : now;
            waiting[due.Name].Dequeue().SetResult(due.Value);
            return new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously).Task;
        }

        if (cancellationToken.CanBeCanceled && answered.Contains(cancellationToken))
        {
            // The event it races is already here: this timer loses the race.
            answered.Remove(cancellationToken);
            return new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously).Task;
        }

        Timers.Add(fireAt);
        if (fireAt > now)
        {
            now = fireAt;
        }

        return Task.CompletedTask;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        if (raised.TryGetValue(eventName, out var pending) && pending.Count > 0)
        {
            answered.Add(cancellationToken);
            return Task.FromResult((T)pending.Dequeue()!);
        }

        var source = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!waiting.TryGetValue(eventName, out var queue))
        {
            waiting[eventName] = queue = new Queue<TaskCompletionSource<object?>>();
        }

        queue.Enqueue(source);
        cancellationToken.Register(() => source.TrySetCanceled(cancellationToken));
        return source.Task.ContinueWith(t => (T)t.Result!, cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    public override void SendEvent(string instanceId, string eventName, object payload) => throw new NotSupportedException();

    public override void SetCustomStatus(object? customStatus) => CustomStatus = customStatus;

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        throw new NotSupportedException();

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => ContinuedWith = newInput;

    public override Guid NewGuid() => new(++guids, 0, 0, new byte[8]);
}
