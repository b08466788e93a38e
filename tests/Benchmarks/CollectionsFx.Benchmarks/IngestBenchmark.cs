using CollectionsFx.Domain.Webhooks;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Cli;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// Webhook ingestion on the local host over Azurite: invoice events in signed CloudEvents batches of 100,
/// side by side with raw Table batch inserts of the same invoice entities (same partitions, same batch size,
/// same parallelism, same Azurite), runs alternating so neither side always goes first.
/// </summary>
internal static class IngestBenchmark
{
    private const string Secret = "bench-secret";

    /// <summary>
    /// Runs both sides. <paramref name="distinctCustomers"/> = 0 makes every batch a customer never seen (each needs a
    /// partition load); N > 0 sends batch b for customer b mod N, as a steady flow of deltas would (the cache is warm).
    /// </summary>
    public static async Task<(Sample Webhook, Sample Raw)> RunAsync(AzuriteProcess azurite, int events, int batch, int runs, int parallel, int distinctCustomers = 0)
    {
        var customers = distinctCustomers > 0 ? distinctCustomers : events / batch;
        var webhook = new List<double>();
        var raw = new List<double>();
        for (var r = -1; r < runs; r++)
        {
            var (first, second) = r % 2 == 0 ? (true, false) : (false, true);
            foreach (var ours in new[] { first, second })
            {
                // The warm-up run (r = -1) uses a tenth of the events and is not reported.
                var n = r < 0 ? events / 10 : events;
                var rate = ours
                    ? await WebhookAsync(azurite, n / batch, batch, parallel, distinctCustomers).ConfigureAwait(false)
                    : await RawAsync(azurite, n / batch, batch, parallel, distinctCustomers).ConfigureAwait(false);
                if (r >= 0)
                {
                    (ours ? webhook : raw).Add(rate);
                }
            }
        }

        Console.WriteLine($"  {events} invoice events for {customers} customers, batches of {batch} (one customer each), {parallel} concurrent senders");
        return (new Sample("webhook ingestion", "events/s", webhook), new Sample("raw Table batch inserts", "entities/s", raw));
    }

    private static int CustomerOf(int batchIndex, int distinct) => distinct > 0 ? batchIndex % distinct : batchIndex;

    private static InvoiceRecord Invoice(int customer, int i) => new()
    {
        Id = $"INV-{i:D8}", CustomerId = $"C{customer:D5}", Version = 1, ChangedAt = DateTimeOffset.UnixEpoch, Resource = "bench",
        IssueDate = new DateOnly(2026, 10, 1), DueDate = new DateOnly(2026, 10, 31), Amount = 100m + i, Currency = "EUR",
    };

    private static async Task<double> WebhookAsync(AzuriteProcess azurite, int batches, int batch, int parallel, int distinct)
    {
        var (app, _) = await BenchHost.StartAsync(azurite, 'b', new Dictionary<string, string?> { ["Ingestion:Secrets:erp"] = Secret }).ConfigureAwait(false);
        try
        {
            using var http = new HttpClient { BaseAddress = LocalHost.ApiAddress(app) };
            var bodies = Enumerable.Range(0, batches).Select(b => JsonSerializer.SerializeToUtf8Bytes(new JsonArray([.. Enumerable.Range(0, batch).Select(i =>
            {
                var inv = Invoice(CustomerOf(b, distinct), (b * batch) + i);
                return (JsonNode)new JsonObject
                {
                    ["specversion"] = "1.0", ["id"] = inv.Id, ["source"] = "urn:bench", ["type"] = EventTypes.Invoice, ["time"] = "2026-10-01T09:00:00Z",
                    ["data"] = new JsonObject
                    {
                        ["invoiceId"] = inv.Id, ["customerId"] = inv.CustomerId, ["issueDate"] = "2026-10-01", ["dueDate"] = "2026-10-31",
                        ["amount"] = inv.Amount, ["currency"] = inv.Currency,
                    },
                };
            })]))).ToList();

            var watch = System.Diagnostics.Stopwatch.StartNew();
            await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (body, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/erp") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(IngestionService.BatchMediaType);
                request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(Secret, DateTimeOffset.UtcNow, body));
                using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
                var result = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode || JsonDocument.Parse(result).RootElement.GetProperty("accepted").GetInt32() != batch)
                {
                    throw new InvalidOperationException($"Batch not fully accepted: {(int)response.StatusCode} {result[..Math.Min(300, result.Length)]}");
                }
            }).ConfigureAwait(false);
            return batches * batch / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<double> RawAsync(AzuriteProcess azurite, int batches, int batch, int parallel, int distinct)
    {
        var layout = StorageLayout.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = "r" + Guid.NewGuid().ToString("N")[..10] });
        await layout.Ledger.CreateIfNotExistsAsync().ConfigureAwait(false);
        var transactions = Enumerable.Range(0, batches).Select(b => Enumerable.Range(0, batch).Select(i =>
        {
            var inv = Invoice(CustomerOf(b, distinct), (b * batch) + i);
            var entity = new TableEntity(inv.CustomerId, "r|Invoice|" + inv.Id)
            {
                ["Kind"] = "Invoice", ["Version"] = inv.Version, ["JsonParts"] = 1, ["Json0"] = JsonSerializer.Serialize<LedgerRecord>(inv, LedgerJson.Options),
            };
            return new TableTransactionAction(TableTransactionActionType.Add, entity);
        }).ToList()).ToList();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (actions, ct) =>
            await layout.Ledger.SubmitTransactionAsync(actions, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return batches * batch / watch.Elapsed.TotalSeconds;
    }
}
