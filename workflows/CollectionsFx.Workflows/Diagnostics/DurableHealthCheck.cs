using Microsoft.DurableTask;

namespace CollectionsFx.Workflows.Diagnostics;

/// <summary>What a health check of the Durable backend waits for and echoes.</summary>
public sealed record HealthCheckInput(string Token, int DelayMilliseconds);

/// <summary>
/// Checks that the Durable backend works end to end: a durable timer, then an activity. Operators run it
/// after a deployment; tests use it to prove an orchestration survives the host being killed mid-way.
/// </summary>
public sealed class DurableHealthCheck : TaskOrchestrator<HealthCheckInput, string>
{
    /// <inheritdoc />
    public override async Task<string> RunAsync(TaskOrchestrationContext context, HealthCheckInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        await context.CreateTimer(TimeSpan.FromMilliseconds(Math.Clamp(input.DelayMilliseconds, 0, 60_000)), CancellationToken.None);
        return await context.CallActivityAsync<string>(nameof(EchoHealthToken), input.Token);
    }
}

/// <summary>Returns the token, proving an activity ran.</summary>
public sealed class EchoHealthToken : TaskActivity<string, string>
{
    /// <inheritdoc />
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(Echo(input));

    /// <summary>The activity's work, also called by the Functions app's one-line wrapper.</summary>
    public static string Echo(string token) => "ok:" + token;
}
