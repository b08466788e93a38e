using System.Net;
using System.Net.Http.Json;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>Readiness of a host's Durable backend.</summary>
internal static class DurableReady
{
    /// <summary>
    /// Waits until the host's Durable backend runs orchestrations (a health check completes). (A host stopped before its
    /// orchestration service finished starting used to take the test process down; `StartedOrchestrationService` prevents it.)
    /// </summary>
    public static async Task WaitAsync(HttpClient client)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        HttpResponseMessage started;
        while ((started = await client.PostAsJsonAsync("/api/diagnostics/durable", new { token = "ready", delayMilliseconds = 10 })).StatusCode != HttpStatusCode.Accepted)
        {
            // The sidecar's port answers a moment after the host started.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"no health check could start within 30 s: {started.StatusCode}");
            await Task.Delay(100);
        }

        var id = (await started.JsonAsync()).GetProperty("instanceId").GetString()!;
        while ((await (await client.GetAsync($"/api/diagnostics/durable/{id}")).JsonAsync()).GetProperty("runtimeStatus").GetString() != "Completed")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the Durable backend did not run a health check within 30 s");
            await Task.Delay(100);
        }
    }
}
