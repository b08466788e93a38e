using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using CollectionsFx.Api.Insights;
using CollectionsFx.Api.Scoring;
using CollectionsFx.Cli;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Scoring;
using CollectionsFx.Scoring;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Storage.Scoring;
using CollectionsFx.Workflows.Scoring;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// The nightly scoring run on the local host over Azurite: N open invoices of M customers committed through the ledger store,
/// a FastTree model promoted in the registry, then the durable run end to end (plan, fan-out of batch activities, summary).
/// Beside it, in the same run, the same score entities (read back) written with raw Tables batch transactions at the same
/// parallelism: the ratio of the run's write rate (rows ÷ its whole duration) to the raw write rate.
/// </summary>
internal static class NightlyScoringBenchmark
{
    public static async Task RunAsync(AzuriteProcess azurite, int invoices, int customers)
    {
        var (app, prefix) = await BenchHost.StartAsync(azurite, 'n').ConfigureAwait(false);
        try
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var watch = Stopwatch.StartNew();
            var records = Generate(invoices, customers, today);
            await app.Services.GetRequiredService<ILedgerStore>().CommitByCustomerAsync([.. records.Select(r => new IncomingRecord(r))], CancellationToken.None, parallelism: 8).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seeded {invoices:N0} open invoices of {customers:N0} customers into Azurite in {watch.Elapsed.TotalSeconds:0} s"));

            watch.Restart();
            var insights = app.Services.GetRequiredService<InsightsService>();
            while ((await insights.CurrentAsync(CancellationToken.None).ConfigureAwait(false)).Events.Count < records.Count)
            {
                await insights.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  snapshot loaded in {watch.Elapsed.TotalSeconds:0.0} s"));
            records = [];

            var registry = app.Services.GetRequiredService<BlobModelRegistry>();
            var card = new ModelCard("bench", DateTimeOffset.UtcNow, "FastTree", today.AddYears(-2), today, today.AddMonths(-3), 2_000, 500, 5, ModelInput.Numeric, 0.8, 0.5, 0.2, 0.03);
            await registry.SaveAsync(card, Model()).ConfigureAwait(false);
            await registry.PromoteAsync("bench", "benchmark model", DateTimeOffset.UtcNow, m => ModelValidator.Problem(m.ToArray())).ConfigureAwait(false);

            // Raw first, into a table of its own, while Azurite holds what the run will find (the ledger, no scores yet): the
            // rows the run will write, one per open invoice plus one roll-up per customer, built by the store's own mapping
            // with three reasons of typical length, in transactions of 100 per customer at the store's parallelism.
            var rawRows = RawRows(insights, today);
            var raw = new TableServiceClient(azurite.ConnectionString).GetTableClient(prefix + "raw");
            await raw.CreateIfNotExistsAsync().ConfigureAwait(false);
            watch.Restart();
            await Parallel.ForEachAsync(rawRows.GroupBy(e => e.PartitionKey), new ParallelOptions { MaxDegreeOfParallelism = ScoreStore.Parallelism }, async (g, ct) =>
            {
                foreach (var chunk in g.Chunk(100))
                {
                    await raw.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            var rawSeconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  raw Tables batch inserts of the run's {rawRows.Count:N0} rows (parallelism {ScoreStore.Parallelism}): {rawSeconds:0} s ({rawRows.Count / rawSeconds:N0} rows/s)"));
            rawRows = [];

            var client = app.Services.GetRequiredService<DurableTaskClient>();
            watch.Restart();
            var (id, _) = await ScoringHandler.StartAsync(client, today, CancellationToken.None).ConfigureAwait(false);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(60));
            var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token).ConfigureAwait(false);
            var runSeconds = watch.Elapsed.TotalSeconds;
            var summary = done.ReadOutputAs<ScoringRunSummary>() ?? throw new InvalidOperationException($"run {done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
            var rows = summary.Invoices + summary.Customers;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  nightly run {id}: {summary.Invoices:N0} invoices + {summary.Customers:N0} customer roll-ups in {summary.Batches} batches, {runSeconds / 60:0.0} min end to end ({rows / runSeconds:N0} rows/s); nightly / raw = {rawSeconds / runSeconds:P0} (goal ≥ 70%, under 10 min)"));
        }
        finally
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One score row per open invoice and one roll-up per customer, as the run writes them.</summary>
    private static List<TableEntity> RawRows(InsightsService insights, DateOnly today)
    {
        var book = insights.CurrentAsync(CancellationToken.None).GetAwaiter().GetResult().BookAsOfAsync(today).GetAwaiter().GetResult();
        string[] reasons = ["lowers: 12 days overdue", "raises: 5 of the last 6 invoices were paid on time", "lowers: open balance up 40% in 30 days"];
        var rows = new List<TableEntity>();
        foreach (var account in book.Accounts)
        {
            var open = account.Invoices.Where(i => i.IsOnBook(today) && i.OpenOn(today) > 0).ToList();
            rows.AddRange(open.Select(i => ScoreStore.Entity(new InvoiceScore(account.CustomerId, i.Id, 0.7, "medium", "bench", "raw", today, i.OpenReportingOn(today), reasons, i.DueDate))));
            if (open.Count > 0)
            {
                rows.Add(ScoreStore.Entity(new CustomerScore(account.CustomerId, 0.7, "medium", 1000m, 500m, "bench", "raw", today)));
            }
        }

        return rows;
    }

    /// <summary>A small FastTree model that learned "long overdue means late" (what it predicts does not matter here, its cost does).</summary>
    private static BinaryData Model()
    {
        var rng = new Random(2);
        var rows = Enumerable.Range(0, 2_000).Select(_ =>
        {
            var daysToDue = rng.Next(-90, 30);
            return new ModelInput
            {
                PriorLateShare = (float)rng.NextDouble(), DaysToDue = daysToDue, TermsDays = 30, LogAmount = (float)(2 + (rng.NextDouble() * 2)), Country = "DE", Segment = "MidMarket",
                Label = daysToDue > -10 ^ rng.NextDouble() < 0.1,
            };
        }).ToList();
        using var stream = new MemoryStream();
        LikelihoodModel.Train(rows, Learner.FastTree).Save(stream);
        return BinaryData.FromBytes(stream.ToArray());
    }

    /// <summary>Customers and their open invoices, issued over the last 120 days on 30-day terms.</summary>
    private static List<LedgerRecord> Generate(int invoices, int customers, DateOnly today)
    {
        var rng = new Random(3);
        var records = new List<LedgerRecord>(invoices + customers);
        DateTimeOffset At(DateOnly d) => new(d.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
        Segment[] segments = [Segment.Strategic, Segment.MidMarket, Segment.Smb];
        for (var c = 0; c < customers; c++)
        {
            var id = "C" + c.ToString("D6", CultureInfo.InvariantCulture);
            records.Add(new CustomerRecord
            {
                Id = id, CustomerId = id, Version = 1, ChangedAt = At(today.AddYears(-1)), Resource = "erp", Name = "Customer " + id,
                Country = c % 4 == 0 ? "FR" : "DE", Currency = "EUR", Segment = segments[c % 3], Collector = "u" + (c % 12),
            });
        }

        for (var i = 0; i < invoices; i++)
        {
            var customer = "C" + rng.Next(customers).ToString("D6", CultureInfo.InvariantCulture);
            var issue = today.AddDays(-rng.Next(0, 120));
            var id = "I" + i.ToString("D7", CultureInfo.InvariantCulture);
            records.Add(new InvoiceRecord
            {
                Id = id, CustomerId = customer, Version = 1, ChangedAt = At(issue), Resource = "erp", IssueDate = issue, DueDate = issue.AddDays(30),
                Amount = Math.Round((decimal)(100 + (rng.NextDouble() * 9_900)), 2), Currency = "EUR",
            });
        }

        return records;
    }
}
