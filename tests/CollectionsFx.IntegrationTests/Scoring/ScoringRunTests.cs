using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Domain.Scoring;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Scoring;
using CollectionsFx.Storage.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CollectionsFx.IntegrationTests.Scoring;

/// <summary>The scoring run end to end on the local host: Durable orchestration over Azurite, the registry's model, scores in Tables.</summary>
[Collection(StackCollection.Name)]
public sealed class ScoringRunTests(StackFixture stack, ITestOutputHelper output)
{
    internal static async Task<JsonElement> WaitForRunAsync(HttpClient client, string id, int seconds = 30)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var run = await (await client.GetAsync(new Uri($"/api/scoring/runs/{id}", UriKind.Relative))).JsonAsync();
            var status = run.GetProperty("runtimeStatus").GetString();
            if (status is "Completed" or "Failed" || clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Equal("Completed", status);
                return run.GetProperty("summary");
            }

            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_run_scores_every_open_invoice_with_the_current_model_once_per_date()
    {
        var (app, client) = await stack.StartIsolatedHostAsync();
        await using (app)
        {
            using (client)
            {
                var customer = "SC-" + Guid.NewGuid().ToString("N")[..6];
                var batch = Events.Batch(
                [
                    (EventTypes.Customer, Events.Customer(customer), null),
                    (EventTypes.Invoice, Events.Invoice(customer + "-1", customer, 100m), null),
                    (EventTypes.Invoice, Events.Invoice(customer + "-2", customer, 200m), null),
                    (EventTypes.Invoice, Events.Invoice(customer + "-3", customer, 300m), null),
                    (EventTypes.Payment, Events.Payment(customer + "-P", customer, 300m, (customer + "-3", 300m)), null),
                ]);
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, batch, IngestionService.BatchMediaType)).StatusCode);
                await client.WaitForSnapshotAsync(1);

                // Without a model the run completes and says why.
                var early = await client.PostAsJsonAsync("/api/scoring/runs", new { asOf = "2026-11-30" });
                var none = await WaitForRunAsync(client, (await early.JsonAsync()).GetProperty("instanceId").GetString()!);
                Assert.Equal(0, none.GetProperty("invoices").GetInt32());
                Assert.Contains("no current model", none.GetProperty("reason").GetString(), StringComparison.Ordinal);

                var registry = app.Services.GetRequiredService<BlobModelRegistry>();
                await TestModels.PromoteAsync(registry, "m1");

                // As of today: the book as known on a past date would not hold the invoices just ingested.
                var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                var start = await client.PostAsJsonAsync("/api/scoring/runs", new { asOf = today });
                var again = await client.PostAsJsonAsync("/api/scoring/runs", new { asOf = today });
                Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
                var id = (await start.JsonAsync()).GetProperty("instanceId").GetString()!;
                Assert.Equal("scoring-" + today, id);
                Assert.False((await again.JsonAsync()).GetProperty("started").GetBoolean());

                var summary = await WaitForRunAsync(client, id);
                Assert.Equal(("m1", 2), (summary.GetProperty("modelVersion").GetString(), summary.GetProperty("invoices").GetInt32()));
                var answer = await (await client.GetAsync($"/api/scores/{customer}")).JsonAsync();
                var scores = answer.GetProperty("invoices").EnumerateArray().ToList();
                var rollup = answer.GetProperty("customer");
                Assert.Equal(("m1", 300m), (rollup.GetProperty("modelVersion").GetString(), scores.Sum(s => s.GetProperty("openAmount").GetDecimal())));
                Assert.Equal(FeatureBuilder.RiskBand(rollup.GetProperty("likelihood").GetDouble()), rollup.GetProperty("riskBand").GetString());
                Assert.Equal(300m, rollup.GetProperty("overdueAmount").GetDecimal()); // due 31 October
                Assert.True(rollup.GetProperty("valueAtStake").GetDecimal() is > 0m and <= 300m);
                Assert.Equal([customer + "-1", customer + "-2"], scores.Select(s => s.GetProperty("invoiceId").GetString()).Order());
                // The gaps now read the scores: the bigger invoice (at the 80th percentile of open amounts) is "high value at risk"
                // exactly when its likelihood is below one half.
                var second = scores.Single(x => x.GetProperty("invoiceId").GetString() == customer + "-2").GetProperty("likelihood").GetDouble();
                var gaps = await (await client.GetAsync($"/api/gaps?kind=highValueAtRisk&asOf={today}")).JsonAsync();
                Assert.True(second < 0.5, $"the overdue invoice should score low, got {second}");
                Assert.Equal(second < 0.5, gaps.GetProperty("gaps").EnumerateArray().Any(g => g.GetProperty("invoiceIds").EnumerateArray().Any(i => i.GetString() == customer + "-2")));
                // Mining filters by the scores' risk bands; the paid invoice was never scored.
                var high = await (await client.GetAsync($"/api/mining/variants?customerId={customer}&riskBand=high")).JsonAsync();
                var unscored = await (await client.GetAsync($"/api/mining/variants?customerId={customer}&riskBand=unscored")).JsonAsync();
                Assert.Equal(scores.Count(x => x.GetProperty("riskBand").GetString() == "high"), high.GetProperty("cases").GetInt32());
                Assert.Equal(1, unscored.GetProperty("cases").GetInt32());
                await (await client.GetAsync("/api/mining/variants?riskBand=scary")).AssertProblemAsync(400, "riskBand");
                Assert.All(scores, s =>
                {
                    Assert.InRange(s.GetProperty("likelihood").GetDouble(), 0, 1);
                    Assert.Equal("m1", s.GetProperty("modelVersion").GetString());
                    Assert.True(DateOnly.Parse(s.GetProperty("expectedPayDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture));
                    Assert.Equal(FeatureBuilder.RiskBand(s.GetProperty("likelihood").GetDouble()), s.GetProperty("riskBand").GetString());
                    var reasons = s.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();
                    Assert.InRange(reasons.Count, 1, 3);
                    Assert.All(reasons, r => Assert.Matches("^(raises|lowers): ", r));
                });

                // A new invoice arriving through the webhook is scored within seconds (rescore queue → worker), as of today.
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var fresh = Events.Single(EventTypes.Invoice, Events.Invoice(customer + "-4", customer, 400m));
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, fresh)).StatusCode);
                JsonElement? newScore = null;
                while (newScore is null && clock.Elapsed < TimeSpan.FromSeconds(20))
                {
                    await Task.Delay(100);
                    var now = await (await client.GetAsync($"/api/scores/{customer}")).JsonAsync();
                    newScore = now.GetProperty("invoices").EnumerateArray().Where(x => x.GetProperty("invoiceId").GetString() == customer + "-4").Cast<JsonElement?>().FirstOrDefault();
                }

                Assert.True(newScore is not null, "the new invoice was not scored within 20 s");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"scoring the new invoice took {clock.Elapsed}");
                output.WriteLine($"webhook to score of a new invoice: {clock.Elapsed.TotalMilliseconds:0} ms");
                Assert.StartsWith("on-demand-", newScore.Value.GetProperty("runId").GetString(), StringComparison.Ordinal);
                Assert.Equal("m1", newScore.Value.GetProperty("modelVersion").GetString());

                // The summary: the first scored run has a distribution and no previous run; the next night's shows the shift.
                Assert.Equal(2, summary.GetProperty("distribution").GetProperty("bins").EnumerateArray().Sum(b => b.GetInt32()));
                Assert.False(summary.TryGetProperty("shift", out var none1) && none1.ValueKind != JsonValueKind.Null, "the first run has no previous one");
                Assert.True(summary.GetProperty("seconds").GetDouble() >= 0);
                var next = await client.PostAsJsonAsync("/api/scoring/runs", new { asOf = DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
                var nextSummary = await WaitForRunAsync(client, (await next.JsonAsync()).GetProperty("instanceId").GetString()!);
                var shift = nextSummary.GetProperty("shift");
                Assert.Equal("scoring-" + today, shift.GetProperty("previousRunId").GetString());
                Assert.InRange(shift.GetProperty("psi").GetDouble(), 0, 1);
                Assert.False(string.IsNullOrEmpty(shift.GetProperty("verdict").GetString()));
            }
        }
    }
}
