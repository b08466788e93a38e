using System.Net;
using System.Net.Http.Json;
using CollectionsFx.Api.Scoring;
using CollectionsFx.Cli.Demo;
using CollectionsFx.Workflows.Scoring;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Scoring;

/// <summary>Retraining with the promotion rule and rollback over HTTP, on the demo company.</summary>
[Collection(StackCollection.Name)]
public sealed class ModelApiTests(StackFixture stack)
{
    [Fact]
    public async Task Train_promotes_the_first_model_applies_the_rule_to_the_next_and_rollback_restores_the_previous()
    {
        // Pinned to a date: the model's quality on a small demo company moves with the calendar, and the promotion rule's
        // calibration bound is what this test is about, not whether today's data happens to meet it.
        var (app, client) = await stack.StartDemoHostAsync(new DemoOptions(Customers: 40, Months: 12, Seed: 8), today: new DateOnly(2026, 12, 4));
        await using (app)
        {
            using (client)
            {
                await (await client.PostAsJsonAsync("/api/models/train", new { splitDate = "yesterday" })).AssertProblemAsync(422, "splitDate");

                var first = await (await client.PostAsJsonAsync("/api/models/train", new { })).JsonAsync();
                Assert.True(first.TryGetProperty("promote", out var promote) && promote.GetBoolean(), first.ToString());
                Assert.Contains("first model", first.GetProperty("reason").GetString(), StringComparison.Ordinal);
                var v1 = first.GetProperty("model").GetProperty("version").GetString();
                Assert.InRange(first.GetProperty("model").GetProperty("rocAuc").GetDouble(), 0.5, 1.0);

                await Task.Delay(1100); // versions are named by the second
                var second = await (await client.PostAsJsonAsync("/api/models/train", new { })).JsonAsync();
                var v2 = second.GetProperty("model").GetProperty("version").GetString();
                Assert.Contains("on the same window", second.GetProperty("reason").GetString(), StringComparison.Ordinal);

                var listed = await (await client.GetAsync("/api/models")).JsonAsync();
                Assert.Equal(second.GetProperty("promote").GetBoolean() ? v2 : v1, listed.GetProperty("current").GetString());
                Assert.Equal(2, listed.GetProperty("models").GetArrayLength());

                var rollback = await client.PostAsJsonAsync("/api/models/rollback", new { version = v1 });
                Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
                Assert.Equal(v1, (await (await client.GetAsync("/api/models")).JsonAsync()).GetProperty("current").GetString());
                await (await client.PostAsJsonAsync("/api/models/rollback", new { version = "no-such-model" })).AssertProblemAsync(409, "version");

                // The CLI does the same against the running API.
                var (exit, output, error) = await Mining.MiningCliTests.CfxAsync("model", "rollback", "--version", v2!, "--url", client.BaseAddress!.ToString());
                Assert.True(exit == 0, error);
                Assert.Contains(v2!, output, StringComparison.Ordinal);
                var (_, list, _) = await Mining.MiningCliTests.CfxAsync("model", "list", "--url", client.BaseAddress!.ToString());
                Assert.Equal(v2, System.Text.Json.JsonDocument.Parse(list).RootElement.GetProperty("current").GetString());

                // The monthly timer's work: the retraining orchestration, once per month.
                await Task.Delay(1100);
                var models = app.Services.GetRequiredService<ModelService>();
                var durable = app.Services.GetRequiredService<DurableTaskClient>();
                var (id, started) = await models.StartRetrainingAsync(durable, CancellationToken.None);
                Assert.True(started);
                Assert.False((await models.StartRetrainingAsync(durable, CancellationToken.None)).Started);
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                var done = await durable.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
                Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
                var outcome = done.ReadOutputAs<RetrainOutcome>()!;
                Assert.Contains("on the same window", outcome.Reason, StringComparison.Ordinal);
                var after = await (await client.GetAsync("/api/models")).JsonAsync();
                Assert.Equal(3, after.GetProperty("models").GetArrayLength());
                Assert.Equal(outcome.Promoted ? outcome.Version : v2, after.GetProperty("current").GetString());
            }
        }
    }
}
