using CollectionsFx.Api.Experiments;
using CollectionsFx.Cli.Demo;
using CollectionsFx.Domain.Experiments;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Contracts;
using CollectionsFx.Storage.Experiments;
using CollectionsFx.Workflows.Dunning;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Experiments;

/// <summary>An experiment on a demo company over Azurite: created, started (assigned), read back, analysed, stopped; dunning follows the arms.</summary>
[Collection(StackCollection.Name)]
public sealed class ExperimentServiceTests(StackFixture stack)
{
    private static ExperimentDesign Design(string id) => new(
        id, "Early and firm for mid-market", "champion",
        [new ExperimentArm("champion", "mid-market", 0.5), new ExperimentArm("firm", "high-risk", 0.5)],
        new Eligibility([Segment.MidMarket, Segment.Smb]), new Guardrail());

    [Fact]
    public async Task An_experiment_assigns_its_customers_once_dunning_follows_the_arm_and_the_result_compares_the_arms()
    {
        var (app, client) = await stack.StartDemoHostAsync(new DemoOptions(Customers: 60, Months: 4, Seed: 8));
        await using (app)
        {
            using (client)
            {
                var experiments = app.Services.GetRequiredService<ExperimentService>();
                var id = "exp-" + Guid.NewGuid().ToString("N")[..6];

                // A design that cannot run is refused with its fields; a good one is stored as a draft, once.
                var (_, problems) = await experiments.CreateAsync(Design(id) with { Arms = [new ExperimentArm("champion", "mid-market", 0.5), new ExperimentArm("firm", "nope", 0.5)] }, "maria", CancellationToken.None);
                Assert.Contains(problems, p => p.Field == "arms.playbookId" && p.Message.StartsWith("'nope' is not a playbook", StringComparison.Ordinal));
                var (created, none) = await experiments.CreateAsync(Design(id), "maria", CancellationToken.None);
                Assert.Empty(none);
                Assert.Equal(ExperimentState.Draft, created!.State);
                Assert.Contains((await experiments.CreateAsync(Design(id), "maria", CancellationToken.None)).Problems, p => p.Field == "id");

                // Started: every eligible customer (mid-market and SMB) is in one arm, half and half within each band.
                var (started, assigned) = await experiments.StartAsync(id, "maria", CancellationToken.None);
                Assert.Equal(ExperimentState.Running, started.State);
                var store = app.Services.GetRequiredService<ExperimentStore>();
                var arms = await store.AssignmentsAsync(id);
                Assert.Equal(assigned, arms.Count);
                Assert.InRange(arms.Count, 30, 60);
                Assert.InRange(arms.Values.Count(a => a == "firm"), (arms.Count / 2) - 3, (arms.Count / 2) + 3); // exact per band, rounding across bands
                await Assert.ThrowsAsync<ExperimentConflictException>(() => experiments.StartAsync(id, "maria", CancellationToken.None));
                // An assignment is for life: assigning again keeps the arm.
                var (someone, arm) = arms.First();
                var again = await store.AssignAsync(id, new Dictionary<string, string> { [someone] = arm == "firm" ? "champion" : "firm" });
                Assert.Equal(arm, again[someone]);

                // The dunning cycle's view uses the arm's playbook.
                var dunning = app.Services.GetRequiredService<IDunningActions>();
                var firm = arms.First(a => a.Value == "firm").Key;
                var champion = arms.First(a => a.Value == "champion").Key;
                Assert.Equal("high-risk", (await dunning.LoadViewAsync(firm, CancellationToken.None)).Playbook.Id);
                Assert.Equal("mid-market", (await dunning.LoadViewAsync(champion, CancellationToken.None)).Playbook.Id);

                // The result today: both arms counted, one effect per challenger and metric, a verdict for each.
                var result = (await experiments.DetailAsync(id, CancellationToken.None))!.Result;
                Assert.NotNull(result);
                Assert.Equal(arms.Count, result.CustomersPerArm.Values.Sum());
                Assert.Equal(ExperimentAnalysis.Metrics.Count, result.Effects.Count);
                Assert.All(result.Effects, e => Assert.StartsWith("firm", e.Verdict, StringComparison.Ordinal));

                // Stopped: no experiment holds the customer any more; dunning goes back to its segment's and band's playbook.
                Assert.Equal(ExperimentState.Stopped, (await experiments.StopAsync(id, "maria", CancellationToken.None)).State);
                Assert.Null(await experiments.PlaybookForAsync(firm, Segment.MidMarket, "medium", CancellationToken.None));
            }
        }
    }
}
