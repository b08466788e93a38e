using System.Net;
using CollectionsFx.Cli;
using CollectionsFx.Cli.Demo;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Experiments;

/// <summary>
/// The demo company as <c>cfx up</c> seeds it carries a running experiment started 120 days ago whose challenger's customers
/// pay 5 days earlier: over HTTP its result finds that effect with the truth inside the interval, the weekly curve has both
/// arms, the customer 360 shows the assignment, and seeding again records nothing twice. The host is pinned to a date so the
/// generated company (and so the verdict) is the same on every run.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DemoExperimentTests(StackFixture stack, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly DateOnly Today = new(2026, 12, 4);

    [Fact]
    public async Task The_demo_experiment_shows_its_known_effect_in_the_result()
    {
        var (app, client) = await stack.StartIsolatedHostAsync(today: Today);
        await using (app)
        {
            using (client)
            {
                var options = new DemoOptions(Customers: 200, Months: 6, Seed: 3);
                await UpCommand.SeedAsync(app, options);
                var id = DemoExperiment.Design.Id;

                var listed = await (await client.GetAsync("/api/experiments")).JsonAsync();
                var entry = Assert.Single(listed.GetProperty("experiments").EnumerateArray(), e => e.GetProperty("design").GetProperty("id").GetString() == id);
                Assert.Equal(("running", Today.AddDays(-DemoExperiment.DaysAgo).ToString("yyyy-MM-dd")), (entry.GetProperty("state").GetString(), entry.GetProperty("startedOn").GetString()));

                var detail = await (await client.GetAsync($"/api/experiments/{id}")).JsonAsync();
                var assigned = detail.GetProperty("assigned").GetInt32();
                Assert.InRange(assigned, 150, 200); // mid-market and SMB: about nine in ten
                var result = detail.GetProperty("result");
                var daysLate = result.GetProperty("effects").EnumerateArray().Single(e => e.GetProperty("metric").GetString() == "daysLate" && e.GetProperty("arm").GetString() == "firm");
                var (difference, low, high) = (daysLate.GetProperty("difference").GetDouble(), daysLate.GetProperty("low").GetDouble(), daysLate.GetProperty("high").GetDouble());
                output.WriteLine($"{daysLate.GetProperty("verdict").GetString()} ({assigned} customers)");
                Assert.True(daysLate.GetProperty("decisive").GetBoolean(), daysLate.ToString());
                Assert.True(low <= -DemoExperiment.EffectDays && -DemoExperiment.EffectDays <= high && difference < 0, daysLate.ToString());
                Assert.StartsWith("firm collects ", daysLate.GetProperty("verdict").GetString(), StringComparison.Ordinal);
                var curve = result.GetProperty("cumulative").EnumerateArray().ToList();
                Assert.InRange(curve.Count, 2 * 16, 2 * 18); // a point per arm and week of the 120 days
                Assert.All(["champion", "firm"], arm => Assert.Contains(curve, p => p.GetProperty("arm").GetString() == arm && p.GetProperty("meanDaysLate").ValueKind == System.Text.Json.JsonValueKind.Number));

                // The customer 360 shows the assignment from the event log, dated the start.
                var member = (await app.Services.GetRequiredService<CollectionsFx.Storage.Experiments.ExperimentStore>().AssignmentsAsync(id)).First();
                var view = await (await client.GetAsync($"/api/customers/{member.Key}")).JsonAsync();
                var membership = Assert.Single(view.GetProperty("experiments").EnumerateArray());
                Assert.Equal((member.Value, Today.AddDays(-DemoExperiment.DaysAgo)), (membership.GetProperty("arm").GetString(), DateOnly.FromDateTime(membership.GetProperty("since").GetDateTimeOffset().UtcDateTime)));

                // Seeding again changes nothing: one experiment, the same customers, one assignment event each.
                await DemoExperiment.RecordAsync(app.Services, DemoExperiment.Prepare(options, Today).Arms, Today.AddDays(-DemoExperiment.DaysAgo));
                Assert.Equal(assigned, (await (await client.GetAsync($"/api/experiments/{id}")).JsonAsync()).GetProperty("assigned").GetInt32());
                var log = new List<LedgerEvent>();
                await foreach (var e in app.Services.GetRequiredService<ILedgerStore>().ReadLogAsync(member.Key))
                {
                    log.Add(e);
                }

                Assert.Single(log, e => e.Activity == Activities.AssignExperimentArm);
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/experiments/nothing-here")).StatusCode);
            }
        }
    }
}
