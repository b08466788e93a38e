using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using CollectionsFx.Cli.Demo;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.IntegrationTests.Scoring;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Scoring;

namespace CollectionsFx.IntegrationTests.Faults;

/// <summary>
/// A real <c>cfx serve</c> is killed (SIGKILL) while the nightly scoring run of a demo company is running; a second process
/// over the same storage finishes the run by itself (Durable replays the orchestration, the unfinished batch runs again and
/// upserts the same rows). The summary counts every open invoice once, each has one score row of the run.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ScoringKillTests(StackFixture stack, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_host_mid_scoring_run_finishes_the_run_once_after_restart()
    {
        var (apiPort, grpcPort, prefix) = (Cli.Tools.FreePort(), Cli.Tools.FreePort(), AzuriteFixture.NewPrefix());
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(60) };
        var settings = new Dictionary<string, string>
        {
            [$"Ingestion__Secrets__{StackFixture.Source}"] = StackFixture.Secret,
            ["Durable__QueueVisibilityTimeout"] = "00:00:15", // what the dead host held is picked up 15 s on (Azure: 5 minutes)
        };
        var first = CfxServe.Start(stack, apiPort, grpcPort, prefix, settings);
        System.Diagnostics.Process? second = null;
        try
        {
            await CfxServe.WaitHealthyAsync(client, first);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var options = new DemoOptions(Customers: 120, Months: 6, Seed: 5);
            var seeder = new DemoSeeder(client, new Dictionary<string, string> { [StackFixture.Source] = StackFixture.Secret }, TimeProvider.System);
            await seeder.SeedRatesAsync(DemoCompany.RatesCsv(options, today));
            var events = DemoCompany.Generate(options, today);
            Assert.Equal(events.Count, await seeder.SeedAsync(events, sourceOverride: StackFixture.Source));
            output.WriteLine($"seeded {events.Count} events: {watch.Elapsed}");
            await client.WaitForSnapshotAsync(events.Count, seconds: 60);
            output.WriteLine($"snapshot: {watch.Elapsed}");
            var layout = StorageLayout.Create(new StorageOptions { ConnectionString = stack.Azurite.ConnectionString, Prefix = prefix });
            // The seed's ledger changes handled first: with a model in place, the rescore worker would score those customers
            // again under its own run id and overwrite some of the run's rows (the newest score wins, as it should).
            await Eventually.UntilAsync(async () => (await layout.Rescore.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the seed's rescore messages handled", 60);
            await TestModels.PromoteAsync(new BlobModelRegistry(layout.Models), "m1");

            // The run starts; the host dies while it runs (two batches of customers, each a few seconds of work).
            var asOf = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var runStarted = DateTimeOffset.UtcNow;
            var start = await client.PostAsJsonAsync("/api/scoring/runs", new { asOf });
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            var id = (await start.JsonAsync()).GetProperty("instanceId").GetString()!;
            string status;
            while ((status = (await (await client.GetAsync(new Uri($"/api/scoring/runs/{id}", UriKind.Relative))).JsonAsync()).GetProperty("runtimeStatus").GetString()!) == "Pending")
            {
                await Task.Delay(20);
            }

            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            Assert.Equal("Running", status);
            output.WriteLine($"killed: {watch.Elapsed}");

            second = CfxServe.Start(stack, apiPort, grpcPort, prefix, settings);
            await CfxServe.WaitHealthyAsync(client, second);
            var restarted = DateTimeOffset.UtcNow;
            output.WriteLine($"restarted: {watch.Elapsed}");
            var summary = await ScoringRunTests.WaitForRunAsync(client, id, seconds: 120);

            output.WriteLine($"completed: {watch.Elapsed}");

            // It finished in the second process, and counted each invoice once.
            Assert.True(summary.GetProperty("seconds").GetDouble() >= (restarted - runStarted).TotalSeconds - 1,
                $"the run ended {summary.GetProperty("seconds").GetDouble():0.0} s after it began, before the second host was up ({(restarted - runStarted).TotalSeconds:0.0} s)");
            var rows = new List<(string Customer, string Invoice)>();
            await foreach (var e in layout.Scores.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey ne {ScoreStore.CustomerRow} and RunId eq {id}")))
            {
                rows.Add((e.GetString("CustomerId"), e.GetString("InvoiceId")));
            }

            Assert.True(rows.Count > 100, $"only {rows.Count} invoices scored");
            Assert.Equal(rows.Count, rows.Select(r => r.Invoice).Distinct().Count());
            Assert.Equal(rows.Count, summary.GetProperty("invoices").GetInt32());
            Assert.Equal(rows.Select(r => r.Customer).Distinct().Count(), summary.GetProperty("customers").GetInt32());
            Assert.Equal(1, summary.GetProperty("batches").GetInt32());
            Assert.Equal(rows.Count, summary.GetProperty("distribution").GetProperty("bins").EnumerateArray().Sum(b => b.GetInt32()));
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException(CfxServe.Output(first, second), ex);
        }
        finally
        {
            CfxServe.KillAll(first, second);
        }
    }
}
