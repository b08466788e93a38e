using System.Collections.Concurrent;
using System.Net;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Faults;

/// <summary>
/// A real <c>cfx serve</c> process is killed (SIGKILL) while four senders post signed webhook batches; a second process over
/// the same storage takes the senders' retries (a sender retries what got no answer) and then every batch once more (an
/// at-least-once ERP). Reconciliation: every invoice sent is in the ledger once, its creation is in the event log once, and
/// the open amount is the sum sent: nothing lost, nothing doubled.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class IngestionKillTests(StackFixture stack)
{
    [Fact]
    public async Task Killing_the_host_mid_ingestion_loses_and_doubles_nothing()
    {
        var (apiPort, grpcPort, prefix) = (Cli.Tools.FreePort(), Cli.Tools.FreePort(), AzuriteFixture.NewPrefix());
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(30) };
        var settings = new Dictionary<string, string> { [$"Ingestion__Secrets__{StackFixture.Source}"] = StackFixture.Secret };
        var book = new WebhookBook(prefix[^6..]);
        var batches = book.Batches();
        var first = CfxServe.Start(stack, apiPort, grpcPort, prefix, settings);
        System.Diagnostics.Process? second = null;
        try
        {
            await CfxServe.WaitHealthyAsync(client, first);

            // Four senders; the host dies when a third of the batches were acknowledged, with requests in flight.
            var pending = new ConcurrentQueue<string>(batches);
            var unanswered = new ConcurrentBag<string>();
            var acknowledged = 0;
            var killed = new TaskCompletionSource();
            async Task SendAsync()
            {
                while (!killed.Task.IsCompleted && pending.TryDequeue(out var batch))
                {
                    try
                    {
                        var response = await StackFixture.PostAsync(client, batch, IngestionService.BatchMediaType);
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // every event is valid: all or a transport failure
                        if (Interlocked.Increment(ref acknowledged) == batches.Count / 3)
                        {
                            first.Kill(entireProcessTree: true);
                            killed.TrySetResult();
                        }
                    }
                    catch (HttpRequestException)
                    {
                        unanswered.Add(batch); // no answer: the sender does not know, so it will send again
                    }
                    catch (TaskCanceledException)
                    {
                        unanswered.Add(batch);
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(SendAsync)));
            await first.WaitForExitAsync();
            Assert.True(killed.Task.IsCompleted, "the host was not killed mid-run");

            second = CfxServe.Start(stack, apiPort, grpcPort, prefix, settings);
            await CfxServe.WaitHealthyAsync(client, second);
            foreach (var batch in unanswered.Concat(pending).Concat(batches)) // retries, the rest, then everything again
            {
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, batch, IngestionService.BatchMediaType)).StatusCode);
            }

            await book.AssertReconciledAsync(stack.Azurite.ConnectionString, prefix);
        }
        finally
        {
            CfxServe.KillAll(first, second);
        }
    }
}
