using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Cli;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Faults;

/// <summary>
/// The storage goes away under a running <c>cfx serve</c>: Azurite (keeping its data on disk) is stopped while two senders
/// post signed webhook batches, and started again on the same ports five seconds later. The host stays up, reports itself
/// unhealthy meanwhile, answers the senders with errors they retry, and recovers by itself: afterwards every batch once more
/// changes nothing, the book reconciles exactly, and its Durable worker runs a new dunning cycle to its mail.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AzuriteRestartTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Storage_stopped_and_restarted_mid_run_loses_and_doubles_nothing_and_the_host_recovers_by_itself()
    {
        var data = Directory.CreateTempSubdirectory("cfx-azurite-");
        var ports = Tools.FreePorts(3);
        var azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, data.FullName, (ports[0], ports[1], ports[2]));
        await using var sink = new SmtpSink();
        var (apiPort, grpcPort, prefix) = (Tools.FreePort(), Tools.FreePort(), AzuriteFixture.NewPrefix());
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(30) };
        var host = CfxServe.Start(azurite.ConnectionString, apiPort, grpcPort, prefix, new Dictionary<string, string>
        {
            [$"Ingestion__Secrets__{StackFixture.Source}"] = StackFixture.Secret,
            ["Smtp__Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
        });
        try
        {
            await CfxServe.WaitHealthyAsync(client, host);
            var book = new WebhookBook(prefix[^6..]);
            var batches = book.Batches();

            // Two senders retry every batch until it is acknowledged (a webhook sender's contract); the storage stops when a
            // third is in, the health check says so, and five seconds later the storage is back.
            var pending = new ConcurrentQueue<string>(batches);
            var acknowledged = 0;
            var failures = 0;
            var stopped = new TaskCompletionSource();
            var restarted = new TaskCompletionSource();
            var unhealthy = HttpStatusCode.OK;
            var deadline = DateTime.UtcNow.AddMinutes(3);
            async Task SendAsync()
            {
                while (pending.TryDequeue(out var batch))
                {
                    while (true)
                    {
                        Assert.True(DateTime.UtcNow < deadline, $"batches still refused 3 minutes on ({failures} failures){Environment.NewLine}{CfxServe.Output(host)}");
                        try
                        {
                            if ((await StackFixture.PostAsync(client, batch, IngestionService.BatchMediaType)).StatusCode == HttpStatusCode.OK)
                            {
                                break;
                            }
                        }
                        catch (HttpRequestException)
                        {
                        }
                        catch (TaskCanceledException)
                        {
                        }

                        Interlocked.Increment(ref failures);
                        await Task.Delay(250);
                    }

                    if (Interlocked.Increment(ref acknowledged) == batches.Count / 3)
                    {
                        stopped.TrySetResult();
                    }
                }
            }

            async Task OutageAsync()
            {
                await stopped.Task;
                await azurite.StopAsync();
                var health = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
                for (var attempt = 0; attempt < 50 && health.StatusCode == HttpStatusCode.OK; attempt++)
                {
                    await Task.Delay(200); // the health answer is cached for five seconds
                    health = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
                }

                unhealthy = health.StatusCode;
                await Task.Delay(TimeSpan.FromSeconds(5));
                azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, data.FullName, (ports[0], ports[1], ports[2]));
                restarted.TrySetResult();
            }

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var outage = Task.Run(OutageAsync);
            await Task.WhenAll(Task.Run(SendAsync), Task.Run(SendAsync));
            await outage;
            output.WriteLine($"{batches.Count} batches acknowledged in {watch.Elapsed.TotalSeconds:0.0} s across the outage; {failures} attempts refused or unanswered and retried; health during the outage: {(int)unhealthy}");
            Assert.True(restarted.Task.IsCompleted, "the storage was not stopped mid-run");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy);
            Assert.True(failures > 0, "no request failed while the storage was down: the outage did not happen mid-run");
            Assert.False(host.HasExited, "cfx serve exited when its storage went away");

            // The same host, recovered: healthy, every batch once more changes nothing, the book reconciles.
            await CfxServe.WaitHealthyAsync(client, host);
            foreach (var batch in batches)
            {
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, batch, IngestionService.BatchMediaType)).StatusCode);
            }

            await book.AssertReconciledAsync(azurite.ConnectionString, prefix);

            // Its Durable worker polls the task hub again: a cycle started now runs to its first reminder.
            var customer = "AZR-" + prefix[^6..];
            Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, Events.OverdueCustomer(customer), IngestionService.BatchMediaType)).StatusCode);
            await DurableReady.WaitAsync(client);
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(new Uri($"/api/dunning/{customer}/start", UriKind.Relative), null)).StatusCode);
            var mail = Assert.Single(await sink.WaitForAsync(1, seconds: 60));
            Assert.StartsWith("Zahlungserinnerung", mail.Subject, StringComparison.Ordinal);
        }
        finally
        {
            CfxServe.KillAll(host);
            await azurite.DisposeAsync();
            data.Delete(recursive: true);
        }
    }
}
