using System.Diagnostics;
using System.Globalization;
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
    private static string CfxDll()
    {
        var bin = RepoPaths.Combine("src", "CollectionsFx.Cli", "bin");
        return Directory.GetFiles(bin, "cfx.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).First();
    }

    private Process StartServe(int apiPort, int grpcPort, string prefix)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CfxDll());
        start.ArgumentList.Add("serve");
        start.Environment["Storage__ConnectionString"] = stack.Azurite.ConnectionString;
        start.Environment["Storage__Prefix"] = prefix;
        start.Environment["urls"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{apiPort}");
        start.Environment["Durable__GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Durable__TaskHub"] = "hub" + prefix;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process process)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, "cfx serve exited early");
            try
            {
                if ((await http.GetAsync(new Uri("/api/health", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (watch.Elapsed < TimeSpan.FromSeconds(60))
            {
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "cfx serve did not become healthy");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Orchestration_survives_kill_minus_nine_of_the_host_and_completes_in_the_next_one()
    {
        var (apiPort, grpcPort, prefix) = (Tools.FreePort(), Tools.FreePort(), AzuriteFixture.NewPrefix());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        var first = StartServe(apiPort, grpcPort, prefix);
        Process? second = null;
        try
        {
            await WaitHealthyAsync(http, first);
            var started = await http.PostAsJsonAsync(new Uri("/api/diagnostics/durable", UriKind.Relative), new { token = "survivor", delayMilliseconds = 5_000 });
            Assert.Equal(202, (int)started.StatusCode);
            var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
            await Task.Delay(1_500);
            var before = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/diagnostics/durable/{id}", UriKind.Relative));
            Assert.Equal("Running", before.GetProperty("runtimeStatus").GetString()); // waiting on its timer

            first.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flush
            await first.WaitForExitAsync();

            second = StartServe(apiPort, grpcPort, prefix);
            await WaitHealthyAsync(http, second);
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
            foreach (var p in new[] { first, second })
            {
                if (p is { HasExited: false })
                {
                    p.Kill(entireProcessTree: true);
                }

                p?.Dispose();
            }
        }
    }
}
