using Azure.Data.Tables;
using CollectionsFx.Cli;
using CollectionsFx.IntegrationTests.Fixtures;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Durable;

/// <summary>The local host runs orchestrations on the Durable Functions storage backend (Azure Storage provider on Azurite).</summary>
[Collection(StackCollection.Name)]
public sealed class LocalDurableTaskTests(StackFixture stack)
{
    [Fact]
    public async Task Orchestration_with_a_timer_and_an_activity_completes_and_its_state_is_in_the_task_hub_tables()
    {
        var client = stack.Services.GetRequiredService<DurableTaskClient>();
        var id = "greet-" + Guid.NewGuid().ToString("N")[..8];

        await client.ScheduleNewOrchestrationInstanceAsync(nameof(TestWorkflows.GreetAfterDelay), new TestWorkflows.GreetInput("ledger", 200), new StartOrchestrationOptions(id));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("hello ledger", done.ReadOutputAs<string>());
        var hub = stack.Services.GetRequiredService<LocalDurableOptions>().TaskHub;
        var instances = new TableServiceClient(stack.Azurite.ConnectionString).GetTableClient(hub + "Instances");
        var row = await instances.GetEntityIfExistsAsync<TableEntity>(id, "");
        Assert.True(row.HasValue, "the instance row is in the Azure Storage provider's Instances table");
        Assert.Equal("Completed", row.Value!.GetString("RuntimeStatus"));
    }

    /// <summary>
    /// Characterises a gap between the faces: Durable Functions refuses to start an instance id that is running,
    /// but the preview sidecar (TaskHubGrpcServer 0.2.3) ignores dedupe statuses: the second start is accepted and,
    /// depending on timing, the instance finishes with the first or the second input (both seen here). Starts
    /// keyed by business id (dunning-{customerId}) must therefore check the instance first in the application
    /// service. If this test fails, the sidecar now refuses the start: keep the guard, update this note.
    /// </summary>
    [Fact]
    public async Task Local_sidecar_accepts_a_second_start_of_a_running_instance_even_with_dedupe_statuses()
    {
        var client = stack.Services.GetRequiredService<DurableTaskClient>();
        var id = "dunning-" + Guid.NewGuid().ToString("N")[..8];
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(TestWorkflows.GreetAfterDelay), new TestWorkflows.GreetInput("once", 3_000), new StartOrchestrationOptions(id));
        await client.WaitForInstanceStartAsync(id, CancellationToken.None);

        var dedupe = new StartOrchestrationOptions(id).WithDedupeStatuses(OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running);
        var refused = await Record.ExceptionAsync(() => client.ScheduleNewOrchestrationInstanceAsync(nameof(TestWorkflows.GreetAfterDelay), new TestWorkflows.GreetInput("twice", 10), dedupe));

        Assert.Null(refused);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.Contains((await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token)).ReadOutputAs<string>(), new[] { "hello once", "hello twice" });
    }

    [Theory]
    [InlineData("{", 400, "body")]
    [InlineData("""{"token":"","delayMilliseconds":10}""", 422, "delayMilliseconds")]
    [InlineData("""{"token":"t","delayMilliseconds":600000}""", 422, "delayMilliseconds")]
    public async Task Bad_health_check_request_is_refused_with_problem_details(string body, int status, string field)
    {
        var response = await stack.Client.PostAsync(new Uri("/api/diagnostics/durable", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(status, field);
    }

    [Fact]
    public async Task Unknown_health_check_is_404()
    {
        await (await stack.Client.GetAsync(new Uri("/api/diagnostics/durable/healthcheck-nope", UriKind.Relative))).AssertProblemAsync(404, "id");
        await (await stack.Client.GetAsync(new Uri("/api/diagnostics/durable/dunning-1", UriKind.Relative))).AssertProblemAsync(404, "id");
    }
}

