using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Cli;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Webhooks;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// Issue 7's load scenarios against `cfx serve` (published, Release) over Azurite with the demo company, bounded in time:
/// (1) webhook ingestion alone at the highest rate the senders reach, then (2) the same ingestion while 50 users read KPIs,
/// the worklist and customer 360s; then reconciliation: events accepted = invoices stored = invoice creations in the event
/// log = the rise of total AR in the KPIs. Prints p50/p95/p99 per kind of request and the error counts.
/// </summary>
internal static class LoadBenchmark
{
    public static async Task RunAsync(string root, AzuriteProcess azurite, int senders, int aloneSeconds, int mixedSeconds, int users, int batch, int customers, int months)
    {
        var prefix = "l" + Guid.NewGuid().ToString("N")[..10];
        var (serve, baseUrl) = await WebBenchmark.PublishAndServeAsync(root, azurite, prefix).ConfigureAwait(false);
        using var _ = serve;
        try
        {
            using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
            await WebBenchmark.SeedAsync(http, customers, months).ConfigureAwait(false);
            // One seeded record can make several ledger events: wait until the snapshot stops growing before reading "before".
            var totalBefore = await SettledTotalArAsync(http, await TotalArAsync(http).ConfigureAwait(false)).ConfigureAwait(false);
            var eventsBefore = await SnapshotEventsAsync(http).ConfigureAwait(false);

            var ingest = new Ingestion(baseUrl, batch);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (1) ingestion alone: {senders} senders, batches of {batch} invoices, {aloneSeconds} s"));
            var alone = await ingest.RunAsync(senders, TimeSpan.FromSeconds(aloneSeconds)).ConfigureAwait(false);
            Console.WriteLine("      " + alone);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (2) ingestion and {users} readers (KPIs, worklist, customer 360), {mixedSeconds} s"));
            var customerIds = JsonSerializer.Deserialize<WorklistPage>(await http.GetStringAsync("api/worklist?limit=200").ConfigureAwait(false), ApiJsonOptions.Value)!
                .Items.Select(e => e.Customer.CustomerId).ToList();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(mixedSeconds));
            var reads = ReadAsync(baseUrl, users, customerIds, stop.Token);
            var mixed = await ingest.RunAsync(senders, TimeSpan.FromSeconds(mixedSeconds)).ConfigureAwait(false);
            var readResult = await reads.ConfigureAwait(false);
            Console.WriteLine("      " + mixed);
            foreach (var line in readResult)
            {
                Console.WriteLine("      " + line);
            }

            // Reconciliation.
            var watch = Stopwatch.StartNew();
            var sent = ingest.Sent;
            var ledger = new TableLedgerStore(StorageLayout.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = prefix }).Ledger, TimeProvider.System);
            var (stored, logged, storedAmount) = (0, 0, 0m);
            var tally = new object();
            await Parallel.ForEachAsync(ingest.Customers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (customer, ct) =>
            {
                var invoices = (await ledger.LoadAsync(customer, ct).ConfigureAwait(false)).Records.OfType<InvoiceRecord>().ToList();
                var created = 0;
                await foreach (var e in ledger.ReadLogAsync(customer, ct).ConfigureAwait(false))
                {
                    created += e.Activity == Activities.CreateInvoice ? 1 : 0;
                }

                lock (tally)
                {
                    stored += invoices.Count;
                    logged += created;
                    storedAmount += invoices.Sum(i => i.Amount);
                }
            }).ConfigureAwait(false);
            // The snapshot holds every invoice and customer sent (the actions the system took meanwhile add more events), and
            // total AR has settled: two reads ten seconds apart agree.
            await WebBenchmark.WaitAsync(async () => await SnapshotEventsAsync(http).ConfigureAwait(false) >= eventsBefore + sent.Events + ingest.Customers.Count, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
            var totalAfter = await SettledTotalArAsync(http, await TotalArAsync(http).ConfigureAwait(false)).ConfigureAwait(false);
            var accepted = alone.Accepted + mixed.Accepted;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  reconciliation ({watch.Elapsed.TotalSeconds:0} s): invoices sent {sent.Events:N0}, accepted {accepted:N0}, stored {stored:N0}, created in the event log {logged:N0}; amount sent {sent.Amount:N2}, stored {storedAmount:N2}, total AR rose by {totalAfter - totalBefore:N2}"));
            var held = accepted == sent.Events && stored == sent.Events && logged == sent.Events && storedAmount == sent.Amount && totalAfter - totalBefore == sent.Amount;
            Console.WriteLine(held ? "  nothing lost, nothing doubled" : "  MISMATCH: see the numbers above");
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Total AR once two reads ten seconds apart agree (the snapshot has taken everything committed).</summary>
    private static async Task<decimal> SettledTotalArAsync(HttpClient http, decimal first)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            var again = await TotalArAsync(http).ConfigureAwait(false);
            if (again == first)
            {
                return again;
            }

            first = again;
        }
    }

    private static async Task<decimal> TotalArAsync(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync("api/kpis").ConfigureAwait(false));
        return doc.RootElement.GetProperty("groups")[0].GetProperty("values").GetProperty("totalAr").GetDecimal();
    }

    private static async Task<int> SnapshotEventsAsync(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync("api/kpis").ConfigureAwait(false));
        return doc.RootElement.GetProperty("snapshot").GetProperty("events").GetInt32();
    }

    /// <summary>Users reading until <paramref name="stop"/>: KPIs and trend, the worklist, customer 360s of the top 200.</summary>
    private static async Task<List<string>> ReadAsync(Uri baseUrl, int users, List<string> customerIds, CancellationToken stop)
    {
        string[] urls = ["api/kpis", "api/kpis?groupBy=collector", "api/kpis/trend?months=13", "api/worklist?limit=100", "api/worklist?collector=alice", "api/customers/"];
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var timings = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var errors = new ConcurrentDictionary<string, int>();
        await Task.WhenAll(Enumerable.Range(0, users).Select(async u =>
        {
            var random = new Random(u);
            while (!stop.IsCancellationRequested)
            {
                var url = urls[random.Next(urls.Length)];
                var kind = url.StartsWith("api/kpis", StringComparison.Ordinal) ? "KPIs" : url.StartsWith("api/worklist", StringComparison.Ordinal) ? "worklist" : "customer 360";
                var t = Stopwatch.StartNew();
                try
                {
                    using var response = await http.GetAsync(url.EndsWith('/') ? url + customerIds[random.Next(customerIds.Count)] : url, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                    await response.Content.CopyToAsync(Stream.Null).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        errors.AddOrUpdate($"{kind} {(int)response.StatusCode}", 1, (_, n) => n + 1);
                    }
                }
                catch (HttpRequestException ex)
                {
                    errors.AddOrUpdate($"{kind} {ex.GetType().Name}", 1, (_, n) => n + 1);
                }

                timings.GetOrAdd(kind, _ => []).Add(t.Elapsed.TotalMilliseconds);
            }
        })).ConfigureAwait(false);

        var lines = timings.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => Percentiles(t.Key, t.Value)).ToList();
        lines.Add("read errors: " + (errors.IsEmpty ? "none" : string.Join(", ", errors.Select(e => $"{e.Key}: {e.Value}"))));
        return lines;
    }

    private static string Percentiles(string name, IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * q))];
        return string.Create(CultureInfo.InvariantCulture, $"{name}: {sorted.Count:N0} requests, p50 {P(0.50):0} ms, p95 {P(0.95):0} ms, p99 {P(0.99):0} ms");
    }

    /// <summary>What the webhook senders did in one phase.</summary>
    internal sealed record PhaseResult(int Accepted, int Errors, double Seconds, List<double> Latencies)
    {
        public override string ToString()
        {
            var sorted = Latencies.Order().ToList();
            double P(double q) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * q))];
            return string.Create(CultureInfo.InvariantCulture,
                $"{Accepted:N0} invoices accepted in {Seconds:0} s = {Accepted / Seconds:N0} events/s; batch latency p50 {P(0.5):0} ms, p95 {P(0.95):0} ms, p99 {P(0.99):0} ms; errors {Errors}");
        }
    }

    /// <summary>Signed batches of new invoices for fresh customers (each customer gets ten batches), sent until time is up.</summary>
    private sealed class Ingestion(Uri baseUrl, int batch)
    {
        private readonly object gate = new();
        private int nextCustomer;
        private int sentEvents;
        private decimal sentAmount;

        public ConcurrentBag<string> Customers { get; } = [];

        public (int Events, decimal Amount) Sent => (sentEvents, sentAmount);

        public async Task<PhaseResult> RunAsync(int senders, TimeSpan duration)
        {
            using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(120) };
            var latencies = new ConcurrentBag<double>();
            var (accepted, errors) = (0, 0);
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, senders).Select(async _ =>
            {
                while (watch.Elapsed < duration)
                {
                    var customer = $"LOAD-{Interlocked.Increment(ref nextCustomer):D6}";
                    Customers.Add(customer);
                    for (var b = 0; b < 10 && watch.Elapsed < duration; b++)
                    {
                        var (body, amount) = Batch(customer, b);
                        var bytes = Encoding.UTF8.GetBytes(body);
                        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/ingest/{WebBenchmark.Source}") { Content = new ByteArrayContent(bytes) };
                        request.Content.Headers.TryAddWithoutValidation("Content-Type", IngestionService.BatchMediaType);
                        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(WebBenchmark.Secret, DateTimeOffset.UtcNow, bytes));
                        var t = Stopwatch.StartNew();
                        try
                        {
                            using var response = await http.SendAsync(request).ConfigureAwait(false);
                            latencies.Add(t.Elapsed.TotalMilliseconds);
                            if (response.IsSuccessStatusCode)
                            {
                                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                                Interlocked.Add(ref accepted, doc.RootElement.GetProperty("accepted").GetInt32() - (b == 0 ? 1 : 0));
                                lock (gate)
                                {
                                    sentEvents += batch;
                                    sentAmount += amount;
                                }
                            }
                            else
                            {
                                Interlocked.Increment(ref errors);
                            }
                        }
                        catch (HttpRequestException)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                }
            })).ConfigureAwait(false);
            return new PhaseResult(accepted, errors, watch.Elapsed.TotalSeconds, [.. latencies]);
        }

        /// <summary>Batch <paramref name="b"/> of a customer: its master data first (in batch 0), then <c>batch</c> invoices issued ten days ago.</summary>
        private (string Body, decimal Amount) Batch(string customer, int b)
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var events = new JsonArray();
            if (b == 0)
            {
                events.Add(Event(EventTypes.Customer, $"{customer}-master", new JsonObject
                {
                    ["customerId"] = customer, ["name"] = "Load " + customer, ["country"] = "DE", ["currency"] = "EUR", ["segment"] = "smb", ["paymentTermsDays"] = 30,
                }));
            }

            var amount = 0m;
            for (var i = 0; i < batch; i++)
            {
                var value = 100m + ((b * batch) + i) % 900;
                amount += value;
                events.Add(Event(EventTypes.Invoice, $"{customer}-{b}-{i}", new JsonObject
                {
                    ["invoiceId"] = $"{customer}-{b}-{i}", ["customerId"] = customer, ["amount"] = value, ["currency"] = "EUR",
                    ["issueDate"] = today.AddDays(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["dueDate"] = today.AddDays(20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                }));
            }

            return (events.ToJsonString(), amount);
        }

        private static JsonObject Event(string type, string id, JsonObject data) => new()
        {
            ["specversion"] = "1.0", ["id"] = id, ["source"] = "urn:bench:erp", ["type"] = type, ["time"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["datacontenttype"] = "application/json", ["data"] = data,
        };
    }
}
