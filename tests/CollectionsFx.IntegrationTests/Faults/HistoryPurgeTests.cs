using System.Net;
using CollectionsFx.Api.Diagnostics;
using CollectionsFx.IntegrationTests.Fixtures;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Faults;

/// <summary>The nightly purge removes finished orchestrations past the retention from the task hub and leaves running ones.</summary>
[Collection(StackCollection.Name)]
public sealed class HistoryPurgeTests(StackFixture stack)
{
    [Fact]
    public async Task Finished_orchestrations_past_the_retention_are_purged_and_running_ones_stay()
    {
        var (app, client) = await stack.StartIsolatedHostAsync(new Dictionary<string, string?> { ["History:RetentionDays"] = "0" });
        await using (app)
        {
            using (client)
            {
                await DurableReady.WaitAsync(client);
                var durable = app.Services.GetRequiredService<DurableTaskClient>();
                var finished = (await (await client.PostAsync(new Uri("/api/diagnostics/durable", UriKind.Relative), null)).JsonAsync()).GetProperty("instanceId").GetString()!;
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await durable.WaitForInstanceCompletionAsync(finished, wait.Token);
                var running = (await (await client.PostAsync(new Uri("/api/diagnostics/durable", UriKind.Relative), new StringContent("""{"token":"t","delayMilliseconds":60000}""", System.Text.Encoding.UTF8, "application/json"))).JsonAsync())
                    .GetProperty("instanceId").GetString()!;
                await durable.WaitForInstanceStartAsync(running, wait.Token);

                var purged = await app.Services.GetRequiredService<HistoryPurger>().PurgeAsync(durable, CancellationToken.None);

                Assert.True(purged >= 1, $"{purged} purged");
                Assert.Null(await durable.GetInstanceAsync(finished));
                Assert.True((await durable.GetInstanceAsync(running))!.IsRunning);
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/api/diagnostics/durable/{finished}", UriKind.Relative))).StatusCode);
                await durable.TerminateInstanceAsync(running);
            }
        }
    }
}
