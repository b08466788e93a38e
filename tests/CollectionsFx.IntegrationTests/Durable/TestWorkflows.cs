using Microsoft.DurableTask;

namespace CollectionsFx.IntegrationTests.Durable;

/// <summary>A small orchestration (a durable timer, then an activity) that proves the local host's Durable Task plumbing.</summary>
public static class TestWorkflows
{
    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestrator<GreetAfterDelay>();
        registry.AddActivity<Greet>();
    }

    public sealed record GreetInput(string Name, int DelayMilliseconds);

    public sealed class GreetAfterDelay : TaskOrchestrator<GreetInput, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, GreetInput input)
        {
            ArgumentNullException.ThrowIfNull(context);
            ArgumentNullException.ThrowIfNull(input);
            await context.CreateTimer(TimeSpan.FromMilliseconds(input.DelayMilliseconds), CancellationToken.None);
            return await context.CallActivityAsync<string>(nameof(Greet), input.Name);
        }
    }

    public sealed class Greet : TaskActivity<string, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"hello {input}");
    }
}
