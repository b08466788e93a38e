using System.Diagnostics;
using System.Globalization;
using CollectionsFx.Cli;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage;
using CollectionsFx.Storage.EventLog;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// Event log load for analytics: N events (realistic shapes: invoice lifecycle activities, amounts, old/new
/// values) exported once into blob segments on Azurite, then loaded into memory: warm-up plus measured runs.
/// </summary>
internal static class EventLogLoadBenchmark
{
    private static readonly string[] ActivityCycle =
        [Activities.CreateInvoice, Activities.SendReminderL1, Activities.RecordPromiseToPay, Activities.ReceivePartialPayment, Activities.ClearInvoice];

    public static async Task<Sample> RunAsync(AzuriteProcess azurite, int events, int runs)
    {
        var layout = StorageLayout.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = "e" + Guid.NewGuid().ToString("N")[..10] });
        await layout.EnsureCreatedAsync().ConfigureAwait(false);
        var segments = new EventLogSegments(layout.EventLog);
        var manifest = await segments.ExportAsync(Generate(events), DateTimeOffset.UnixEpoch).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  exported {manifest.Events:N0} events in {manifest.Segments.Count} segments"));

        var seconds = new List<double>();
        for (var r = -1; r < runs; r++)
        {
            GC.Collect();
            var watch = Stopwatch.StartNew();
            var loaded = await segments.LoadAsync().ConfigureAwait(false);
            watch.Stop();
            if (loaded.Count != events)
            {
                throw new InvalidOperationException($"Loaded {loaded.Count} of {events} events.");
            }

            if (r >= 0)
            {
                seconds.Add(watch.Elapsed.TotalSeconds);
            }
        }

        return new Sample($"event log load of {events:N0} events", "s", seconds);
    }

    private static async IAsyncEnumerable<LedgerEvent> Generate(int count)
    {
        var rng = new Random(11);
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var activity = ActivityCycle[i % ActivityCycle.Length];
            yield return new LedgerEvent(
                $"INV-{i / ActivityCycle.Length:D8}", "invoice", activity, t0.AddSeconds(i * 30L), i % 4 == 0 ? "automation" : "erp",
                $"CUST-{rng.Next(3000):D4}", Math.Round((decimal)(rng.NextDouble() * 10_000), 2), "EUR",
                activity == Activities.ReceivePartialPayment ? "1200.00" : null, activity == Activities.ReceivePartialPayment ? "600.00" : null);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
