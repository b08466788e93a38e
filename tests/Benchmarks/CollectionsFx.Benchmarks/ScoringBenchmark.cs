using System.Diagnostics;
using System.Globalization;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Scoring;
using CollectionsFx.Scoring;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// Likelihood to pay at scale: training on N historical invoices (features as of each issue date, FastTree), and the
/// scoring pipeline (features of open invoices + score) beside ML.NET's raw Transform of the same precomputed rows.
/// </summary>
internal static class ScoringBenchmark
{
    public static void Run(int invoices, int customers, int runs)
    {
        var asOf = new DateOnly(2026, 11, 30);
        var watch = Stopwatch.StartNew();
        var records = Generate(invoices, customers, asOf);
        var book = ArBook.Build(KnownLedger.Of(records), new ExchangeRates("EUR"), BusinessCalendar.Utc);
        records = [];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {invoices:N0} invoices of {customers:N0} customers generated and booked in {watch.Elapsed.TotalSeconds:0.0} s"));
        var options = new ScoringOptions();

        GC.Collect();
        var heapBefore = GC.GetTotalMemory(true);
        watch.Restart();
        var (rows, unsettled) = FeatureBuilder.TrainingRows(book, options);
        var featureSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var model = LikelihoodModel.Train(rows.Select(r => ModelInput.From(r.Features, r.OnTime)), Learner.FastTree);
        var trainSeconds = watch.Elapsed.TotalSeconds;
        var peak = GC.GetGCMemoryInfo().HeapSizeBytes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  training: {rows.Count:N0} rows ({unsettled:N0} unsettled skipped): features {featureSeconds:0.0} s + FastTree {trainSeconds:0.0} s = {featureSeconds + trainSeconds:0.0} s; managed heap {peak / 1e6:0} MB (before {heapBefore / 1e6:0} MB), process peak {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB"));

        var open = FeatureBuilder.ForOpenInvoices(book, asOf, options);
        var precomputed = open.Select(f => ModelInput.From(f)).ToList();
        var raw = new List<double>();
        var pipeline = new List<double>();
        var explained = new List<double>();
        var parts = new List<(double Features, double Score, double Explain)>();
        // Each part starts after a full collection, so a collection of the large book is not charged to whichever part it hits.
        static void Settle()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        for (var run = -1; run < runs; run++)
        {
            Settle();
            watch.Restart();
            var scores = model.Predict(precomputed);
            var rawSeconds = watch.Elapsed.TotalSeconds;
            Settle();
            watch.Restart();
            var features = FeatureBuilder.ForOpenInvoices(book, asOf, options);
            var openFeatureSeconds = watch.Elapsed.TotalSeconds;
            Settle();
            watch.Restart();
            var full = model.Predict(features.Select(f => ModelInput.From(f)));
            var scoreSeconds = watch.Elapsed.TotalSeconds;
            Settle();
            watch.Restart();
            var contributions = model.PredictWithContributions([.. features.Select(f => ModelInput.From(f))]);
            var contributionSeconds = watch.Elapsed.TotalSeconds;
            var reasons = Explanations.Texts([.. contributions.Select(c => c.Contributions)], features).Count(r => r.Length > 0);
            var explainSeconds = watch.Elapsed.TotalSeconds;
            if (run == 0 && model.Compiled is { } forest)
            {
                watch.Restart();
                forest.Predict(precomputed);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  (run 1: contributions {contributionSeconds * 1000:0} ms, reasons in words {(explainSeconds - contributionSeconds) * 1000:0} ms; compiled forest score only {watch.Elapsed.TotalMilliseconds:0} ms)"));
            }

            if (run >= 0)
            {
                raw.Add(precomputed.Count / rawSeconds);
                pipeline.Add(features.Count / (openFeatureSeconds + scoreSeconds));
                explained.Add(features.Count / (openFeatureSeconds + explainSeconds));
                parts.Add((openFeatureSeconds, scoreSeconds, explainSeconds));
            }

            if (scores.Count != full.Count || reasons != features.Count)
            {
                throw new InvalidOperationException("Both paths must score (and explain) the same invoices.");
            }
        }

        double Median(List<double> r) => r.Order().ElementAt(r.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  scoring {open.Count:N0} open invoices: raw Transform of precomputed rows {Median(raw):N0} rows/s; features + score {Median(pipeline):N0} rows/s ({Median(pipeline) / Median(raw):P0}); features + score + 3 reasons in words {Median(explained):N0} rows/s ({Median(explained) / Median(raw):P0}) (goal ≥ 50%)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  median parts: features {Median([.. parts.Select(p => p.Features)]) * 1000:0} ms, score {Median([.. parts.Select(p => p.Score)]) * 1000:0} ms, score with contributions and reasons {Median([.. parts.Select(p => p.Explain)]) * 1000:0} ms"));
    }

    private static List<LedgerRecord> Generate(int invoices, int customers, DateOnly asOf)
    {
        var rng = new Random(9);
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var records = new List<LedgerRecord>(invoices * 2);
        var habits = Enumerable.Range(0, customers).Select(_ => rng.NextDouble()).ToArray();
        for (var c = 0; c < customers; c++)
        {
            var id = "C" + c.ToString("D6", CultureInfo.InvariantCulture);
            records.Add(new CustomerRecord { Id = id, CustomerId = id, Version = 1, ChangedAt = at, Resource = "erp", Name = id, Country = c % 3 == 0 ? "US" : "DE", Currency = "EUR", Segment = (Segment)(c % 3) });
        }

        for (var i = 0; i < invoices; i++)
        {
            var c = rng.Next(customers);
            var customer = "C" + c.ToString("D6", CultureInfo.InvariantCulture);
            var id = "I" + i.ToString("D7", CultureInfo.InvariantCulture);
            var issue = asOf.AddDays(-rng.Next(0, 720));
            var due = issue.AddDays(30);
            var amount = Math.Round((decimal)(100 + (rng.NextDouble() * 20_000)), 2);
            records.Add(new InvoiceRecord { Id = id, CustomerId = customer, Version = 1, ChangedAt = at, Resource = "erp", IssueDate = issue, DueDate = due, Amount = amount, Currency = "EUR" });
            var paid = due.AddDays((int)((habits[c] * 40) - 8 + (rng.NextDouble() * 10)));
            if (paid <= asOf)
            {
                records.Add(new PaymentRecord { Id = "P" + id, CustomerId = customer, Version = 1, ChangedAt = at, Resource = "bank", ValueDate = paid, Amount = amount, Currency = "EUR", Allocations = [new Allocation(id, amount)] });
            }
        }

        return records;
    }
}
