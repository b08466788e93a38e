using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CollectionsFx.Cli;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// The KPI endpoint of the local host over Azurite with about 1M log events and 100k open invoices. First every question
/// (7 as-of dates × 5 groupings) once in turn: the wait for an answer nobody asked before. Then concurrent clients on
/// loopback for a fixed time asking them at random. Reports p50/p95/p99 latency, throughput and errors.
/// </summary>
internal static class KpiLatencyBenchmark
{
    public static async Task RunAsync(AzuriteProcess azurite, int invoices, int openInvoices, int clients, int seconds)
    {
        var (app, _) = await BenchHost.StartAsync(azurite, 'k').ConfigureAwait(false);
        try
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var watch = Stopwatch.StartNew();
            var (records, events) = Generate(invoices, openInvoices, today);
            var store = app.Services.GetRequiredService<ILedgerStore>();
            // All at once: each customer's records go in transactions of 99, the fewest requests Azurite can take them in.
            await store.CommitByCustomerAsync([.. records.Select(r => new IncomingRecord(r))], CancellationToken.None).ConfigureAwait(false);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seeded {records.Count:N0} records ({events:N0} log events, {openInvoices:N0} open invoices) into Azurite in {watch.Elapsed.TotalSeconds:0} s"));
            using var http = new HttpClient { BaseAddress = LocalHost.ApiAddress(app), Timeout = TimeSpan.FromMinutes(2) };
            watch.Restart();
            while (true)
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/kpis").ConfigureAwait(false));
                if (doc.RootElement.GetProperty("snapshot").GetProperty("events").GetInt32() >= events)
                {
                    break;
                }

                await Task.Delay(500).ConfigureAwait(false);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  snapshot loaded and first KPIs computed in {watch.Elapsed.TotalSeconds:0.0} s"));
            string[] groupings = ["none", "segment", "collector", "country", "customer"];
            var urls = Enumerable.Range(0, 7).SelectMany(d => groupings.Select(g => $"/api/kpis?groupBy={g}&asOf={today.AddDays(-d):yyyy-MM-dd}")).ToList();

            // Phase 1: every question asked once, one after the other: how long a user waits for an answer nobody asked before.
            var cold = new List<double>();
            foreach (var url in urls)
            {
                var t = Stopwatch.StartNew();
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                await response.Content.CopyToAsync(Stream.Null).ConfigureAwait(false);
                cold.Add(t.Elapsed.TotalMilliseconds);
            }

            cold.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  first answers ({urls.Count} questions: 7 as-of dates × 5 groupings, sequential): median {cold[cold.Count / 2]:0} ms, max {cold[^1]:0} ms (a new as-of date builds its AR book)"));

            // Phase 2: concurrent clients asking those questions at random for a fixed time.
            var latencies = new ConcurrentBag<double>();
            var errors = 0;
            var deadline = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
            {
                var rng = new Random(c);
                while (deadline.Elapsed < TimeSpan.FromSeconds(seconds))
                {
                    var t = Stopwatch.StartNew();
                    using var response = await http.GetAsync(urls[rng.Next(urls.Count)], HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                    await response.Content.CopyToAsync(Stream.Null).ConfigureAwait(false);
                    latencies.Add(t.Elapsed.TotalMilliseconds);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            })).ConfigureAwait(false);
            var sorted = latencies.Order().ToArray();
            double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {clients} clients × {seconds} s: {sorted.Length:N0} requests ({sorted.Length / deadline.Elapsed.TotalSeconds:0} req/s), {errors} errors; latency p50 {P(0.5):0.0} ms, p95 {P(0.95):0.0} ms, p99 {P(0.99):0.0} ms, max {sorted[^1]:0} ms (goal p95 < 200 ms)"));
        }
        finally
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Customers, invoices over the last year (the newest <paramref name="open"/> unpaid), payments and dunning notices.</summary>
    private static (List<LedgerRecord> Records, long Events) Generate(int invoices, int open, DateOnly today)
    {
        var rng = new Random(5);
        var records = new List<LedgerRecord>();
        const int Customers = 2_000;
        long events = 0;
        DateTimeOffset At(DateOnly d) => new(d.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
        Segment[] segments = [Segment.Strategic, Segment.MidMarket, Segment.Smb];
        string[] countries = ["DE", "FR", "NL", "IT"];
        for (var c = 0; c < Customers; c++)
        {
            var id = "C" + c.ToString("D5", CultureInfo.InvariantCulture);
            records.Add(new CustomerRecord
            {
                Id = id, CustomerId = id, Version = 1, ChangedAt = At(today.AddYears(-2)), Resource = "erp", Name = "Customer " + id,
                Country = countries[c % countries.Length], Currency = "EUR", Segment = segments[c % 3], Collector = "u" + (c % 12),
            });
            events++;
        }

        for (var i = 0; i < invoices; i++)
        {
            var customer = "C" + rng.Next(Customers).ToString("D5", CultureInfo.InvariantCulture);
            var isOpen = i >= invoices - open;
            var issue = isOpen ? today.AddDays(-rng.Next(0, 120)) : today.AddDays(-rng.Next(30, 365));
            var due = issue.AddDays(30);
            var id = "I" + i.ToString("D7", CultureInfo.InvariantCulture);
            var amount = Math.Round((decimal)(100 + (rng.NextDouble() * 9_900)), 2);
            records.Add(new InvoiceRecord { Id = id, CustomerId = customer, Version = 1, ChangedAt = At(issue), Resource = "erp", IssueDate = issue, DueDate = due, Amount = amount, Currency = "EUR" });
            events++;
            var paidOn = due.AddDays(rng.Next(-15, 40));
            var end = isOpen ? today : paidOn;
            for (var level = 1; level <= 3 && due.AddDays(level * 10) < end; level++)
            {
                var on = due.AddDays(level * 10);
                records.Add(new ContactRecord
                {
                    Id = $"N{id}-{level}", CustomerId = customer, Version = 1, ChangedAt = At(on), Resource = "automation", ActionKind = ActionKind.Email,
                    InvoiceId = id, OccurredAt = At(on), Automated = true, DunningLevel = level,
                });
                events++;
            }

            if (!isOpen && paidOn <= today)
            {
                records.Add(new PaymentRecord
                {
                    Id = "P" + id, CustomerId = customer, Version = 1, ChangedAt = At(paidOn), Resource = "bank", ValueDate = paidOn, Amount = amount, Currency = "EUR",
                    Allocations = [new Allocation(id, amount)],
                });
                events += 2;
            }
        }

        return (records, events);
    }
}
