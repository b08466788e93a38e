using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using CollectionsFx.Api.Insights;
using CollectionsFx.Api.Scoring;
using CollectionsFx.Cli;
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
        var prefix = "n" + Guid.NewGuid().ToString("N")[..10];
        var app = LocalHost.Build([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:Prefix"] = prefix,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Durable:GrpcPort"] = "0",
        });
        await app.StartAsync().ConfigureAwait(false);
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

            var client = app.Services.GetRequiredService<DurableTaskClient>();
            watch.Restart();
            var (id, _) = await ScoringHandler.StartAsync(client, today, CancellationToken.None).ConfigureAwait(false);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(60));
            var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token).ConfigureAwait(false);
            var runSeconds = watch.Elapsed.TotalSeconds;
            var summary = done.ReadOutputAs<ScoringRunSummary>() ?? throw new InvalidOperationException($"run {done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
            var rows = summary.Invoices + summary.Customers;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  nightly run {id}: {summary.Invoices:N0} invoices + {summary.Customers:N0} customer roll-ups in {summary.Batches} batches, {runSeconds / 60:0.0} min end to end ({rows / runSeconds:N0} rows/s)"));

            // The same entities, read back, written raw at the store's parallelism into a table of their own.
            var scores = app.Services.GetRequiredService<StorageLayout>().Scores;
            var entities = new List<TableEntity>(rows);
            await foreach (var e in scores.QueryAsync<TableEntity>().ConfigureAwait(false))
            {
                entities.Add(e);
            }

            var raw = new TableServiceClient(azurite.ConnectionString).GetTableClient(prefix + "raw");
            await raw.CreateIfNotExistsAsync().ConfigureAwait(false);
            watch.Restart();
            await Parallel.ForEachAsync(entities.GroupBy(e => e.PartitionKey), new ParallelOptions { MaxDegreeOfParallelism = ScoreStore.Parallelism }, async (g, ct) =>
            {
                foreach (var chunk in g.Chunk(100))
                {
                    await raw.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            var rawSeconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  raw Tables batch inserts of the same {entities.Count:N0} entities (parallelism {ScoreStore.Parallelism}): {rawSeconds:0} s ({entities.Count / rawSeconds:N0} rows/s); nightly / raw = {rawSeconds / runSeconds:P0} (goal ≥ 70%, under 10 min)"));
        }
        finally
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
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
