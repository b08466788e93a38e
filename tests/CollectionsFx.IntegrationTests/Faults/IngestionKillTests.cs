using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Ledger;

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
    private const int Customers = 20;
    private const int InvoicesPerCustomer = 15;
    private const int BatchSize = 10;

    [Fact]
    public async Task Killing_the_host_mid_ingestion_loses_and_doubles_nothing()
    {
        var (apiPort, grpcPort, prefix) = (Cli.Tools.FreePort(), Cli.Tools.FreePort(), AzuriteFixture.NewPrefix());
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(30) };
        var settings = new Dictionary<string, string> { [$"Ingestion__Secrets__{StackFixture.Source}"] = StackFixture.Secret };
        var tag = prefix[^6..];
        var batches = Batches(tag);
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

            // Reconcile against the storage itself.
            var ledger = new TableLedgerStore(StorageLayout.Create(new StorageOptions { ConnectionString = stack.Azurite.ConnectionString, Prefix = prefix }).Ledger, TimeProvider.System);
            for (var c = 0; c < Customers; c++)
            {
                var customer = $"K{tag}-{c}";
                var invoices = (await ledger.LoadAsync(customer)).Records.OfType<InvoiceRecord>().ToList();
                Assert.Equal(InvoicesPerCustomer, invoices.Count);
                Assert.Equal(Enumerable.Range(1, InvoicesPerCustomer).Sum(i => 100m + i), invoices.Sum(i => i.Amount));
                var created = new List<string>();
                await foreach (var e in ledger.ReadLogAsync(customer))
                {
                    if (e.Activity == Activities.CreateInvoice)
                    {
                        created.Add(e.CaseId);
                    }
                }

                Assert.Equal(InvoicesPerCustomer, created.Count);
                Assert.Equal(InvoicesPerCustomer, created.Distinct().Count());
            }
        }
        finally
        {
            CfxServe.KillAll(first, second);
        }
    }

    /// <summary>Each customer with its invoices (amounts 101, 102, …), in batches of ten events with fixed CloudEvent ids.</summary>
    private static List<string> Batches(string tag)
    {
        var events = new List<(string Type, JsonObject Data, string? Id)>();
        for (var c = 0; c < Customers; c++)
        {
            var customer = $"K{tag}-{c}";
            events.Add((EventTypes.Customer, Events.Customer(customer), $"{customer}-master"));
            for (var i = 1; i <= InvoicesPerCustomer; i++)
            {
                events.Add((EventTypes.Invoice, Events.Invoice($"{customer}-I{i}", customer, 100m + i), $"{customer}-I{i}-v1"));
            }
        }

        return [.. events.Chunk(BatchSize).Select(chunk => Events.Batch(chunk))];
    }
}
