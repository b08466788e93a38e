using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CollectionsFx.Cli;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Durable;

/// <summary>
/// A real `cfx serve` process is killed (SIGKILL) while an orchestration waits on its durable timer; a new process
/// over the same Azurite and task hub finishes it. The Azure Storage provider keeps the state, not the process.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class KillNineTests(StackFixture stack)
{
    [Fact]
    public async Task Orchestration_survives_kill_minus_nine_of_the_host_and_completes_in_the_next_one()
    {
        var (apiPort, grpcPort, prefix) = (Tools.FreePort(), Tools.FreePort(), AzuriteFixture.NewPrefix());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        var first = CfxServe.Start(stack, apiPort, grpcPort, prefix);
        Process? second = null;
        try
        {
            await CfxServe.WaitHealthyAsync(http, first);
            var started = await http.PostAsJsonAsync(new Uri("/api/diagnostics/durable", UriKind.Relative), new { token = "survivor", delayMilliseconds = 5_000 });
            Assert.Equal(202, (int)started.StatusCode);
            var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
            await Task.Delay(1_500);
            var before = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/diagnostics/durable/{id}", UriKind.Relative));
            Assert.Equal("Running", before.GetProperty("runtimeStatus").GetString()); // waiting on its timer

            first.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flush
            await first.WaitForExitAsync();

            second = CfxServe.Start(stack, apiPort, grpcPort, prefix);
            await CfxServe.WaitHealthyAsync(http, second);
            var watch = Stopwatch.StartNew();
            JsonElement status;
            do
            {
                await Task.Delay(500);
                status = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/diagnostics/durable/{id}", UriKind.Relative));
            }
            while (status.GetProperty("runtimeStatus").GetString() != "Completed" && watch.Elapsed < TimeSpan.FromSeconds(120));

            Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
            Assert.Equal("ok:survivor", status.GetProperty("output").GetString());
        }
        finally
        {
            CfxServe.KillAll(first, second);
        }
    }
}
