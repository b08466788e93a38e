using System.Diagnostics;
using System.Globalization;
using CollectionsFx.Api.Imports;
using CollectionsFx.Cli;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// CSV import of generated invoice extracts (1,000 customers, 70% of rows cleared): rows/s and peak managed
/// heap, into Azurite and into a store that discards (the parsing and mapping pipeline alone), at two file
/// sizes so that flat memory shows.
/// </summary>
internal static class CsvImportBenchmark
{
    private const string Mapping = """
        { "separator": ",", "dateFormat": "yyyy-MM-dd",
          "columns": { "invoiceId": { "column": "Invoice" }, "customerId": { "column": "Customer" }, "issueDate": { "column": "Issued" },
                       "dueDate": { "column": "Due" }, "amount": { "column": "Amount" }, "currency": { "column": "Currency" },
                       "clearedDate": { "column": "Cleared" }, "paperless": { "column": "Channel", "true": ["Electronic"], "false": ["Paper"] } } }
        """;

    public static async Task<List<string>> RunAsync(AzuriteProcess azurite, IReadOnlyList<int> sizes)
    {
        var lines = new List<string>();
        var mapping = ImportMapping.Parse(Mapping);
        foreach (var rows in sizes)
        {
            var file = Path.Combine(Path.GetTempPath(), $"cfx-bench-{rows}.csv");
            Write(file, rows);
            var size = new FileInfo(file).Length;
            foreach (var storeKind in new[] { "discard", "azurite" })
            {
                var layout = StorageLayout.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = "c" + Guid.NewGuid().ToString("N")[..10] });
                await layout.EnsureCreatedAsync().ConfigureAwait(false);
                ILedgerStore store = storeKind == "discard" ? new DiscardingStore() : new TableLedgerStore(layout.Ledger, TimeProvider.System);
                var importer = new InvoiceImporter(store, new BlobDeadLetterStore(layout.DeadLetters));
                GC.Collect();
                var baseline = GC.GetTotalMemory(true);
                long peak = 0;
                using var sampler = new Timer(_ => peak = Math.Max(peak, GC.GetTotalMemory(false)), null, 0, 50);
                var watch = Stopwatch.StartNew();
                await using (var stream = File.OpenRead(file))
                {
                    var report = await importer.ImportAsync(stream, mapping, new ImportSource(Path.GetFileName(file), DateTimeOffset.UnixEpoch)).ConfigureAwait(false);
                    if (report.Imported != rows)
                    {
                        throw new InvalidOperationException($"Imported {report.Imported} of {rows} rows.");
                    }
                }

                var seconds = watch.Elapsed.TotalSeconds;
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{rows:N0} rows ({size / 1e6:0} MB) into {storeKind}: {rows / seconds:N0} rows/s ({seconds:0.0} s), peak managed heap {(peak - baseline) / 1e6:0} MB above baseline"));
                Console.WriteLine("  " + lines[^1]);
            }

            File.Delete(file);
        }

        return lines;
    }

    private static void Write(string path, int rows)
    {
        var rng = new Random(7);
        using var writer = new StreamWriter(path);
        writer.WriteLine("Invoice,Customer,Issued,Due,Amount,Currency,Cleared,Channel,Region,Sales Org");
        var start = new DateOnly(2025, 1, 1);
        for (var i = 0; i < rows; i++)
        {
            var issued = start.AddDays(i * 700 / rows);
            var due = issued.AddDays(30);
            var cleared = rng.NextDouble() < 0.7 ? due.AddDays(rng.Next(-10, 40)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"INV{i:D8},C{rng.Next(1000):D4},{issued:yyyy-MM-dd},{due:yyyy-MM-dd},{rng.Next(100, 100_000) / 100m},EUR,{cleared},{(rng.Next(2) == 0 ? "Paper" : "Electronic")},R{rng.Next(9)},S{rng.Next(40)}"));
        }
    }

    /// <summary>Accepts everything and stores nothing: measures the import pipeline without storage.</summary>
    private sealed class DiscardingStore : ILedgerStore
    {
        public Task<IReadOnlyList<CommitOutcome>> CommitAsync(string customerId, IReadOnlyList<IncomingRecord> items, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<CommitOutcome>>([.. items.Select(_ => CommitOutcome.Applied)]);

        public Task<Ledger> LoadAsync(string customerId, CancellationToken cancellationToken = default) => Task.FromResult(new Ledger());

        public async IAsyncEnumerable<LedgerEvent> ReadLogAsync(string? customerId = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            yield break;
        }

        public async IAsyncEnumerable<LogTransaction> ReadTransactionsAsync(DateTimeOffset? committedSince = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            yield break;
        }
    }
}
