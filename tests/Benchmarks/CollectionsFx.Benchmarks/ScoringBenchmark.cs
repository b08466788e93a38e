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
        for (var run = -1; run < runs; run++)
        {
            watch.Restart();
            var scores = model.Predict(precomputed);
            var rawRate = precomputed.Count / watch.Elapsed.TotalSeconds;
            watch.Restart();
            var features = FeatureBuilder.ForOpenInvoices(book, asOf, options);
            var full = model.Predict(features.Select(f => ModelInput.From(f)));
            var pipelineRate = features.Count / watch.Elapsed.TotalSeconds;
            watch.Restart();
            var withReasons = FeatureBuilder.ForOpenInvoices(book, asOf, options);
            var contributions = model.PredictWithContributions([.. withReasons.Select(f => ModelInput.From(f))]);
            var reasons = withReasons.Select((f, i) => Explanations.Top(contributions[i].Contributions, f)).Count(r => r.Count > 0);
            var explainedRate = withReasons.Count / watch.Elapsed.TotalSeconds;
            if (run >= 0)
            {
                raw.Add(rawRate);
                pipeline.Add(pipelineRate);
                explained.Add(explainedRate);
            }

            if (scores.Count != full.Count)
            {
                throw new InvalidOperationException("Both paths must score the same invoices.");
            }
        }

        double Median(List<double> r) => r.Order().ElementAt(r.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  scoring {open.Count:N0} open invoices: raw Transform of precomputed rows {Median(raw):N0} rows/s; features + score {Median(pipeline):N0} rows/s ({Median(pipeline) / Median(raw):P0}); features + score + 3 reasons in words {Median(explained):N0} rows/s ({Median(explained) / Median(raw):P0}) (goal ≥ 50%)"));
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
