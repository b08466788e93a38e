using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CollectionsFx.Api.Experiments;
using CollectionsFx.Cli.Demo;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Workflows.Dunning;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Experiments;

/// <summary>
/// An experiment run end to end over HTTP on a demo company (Azurite): only managers change experiments, a bad design is a
/// problem naming its field, the start assigns the eligible customers and writes each assignment to the event log (shown in
/// the customer 360), dunning follows the arm, the guardrail stops an arm whose customers dispute, and a promotion makes the
/// winner's playbook the one for the population.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExperimentApiTests(StackFixture stack)
{
    private static object Design(string id, int minCustomers = 30) => new
    {
        id, name = "Early and firm for mid-market", championArm = "champion",
        arms = new[] { new { id = "champion", playbookId = "mid-market", share = 0.5 }, new { id = "firm", playbookId = "high-risk", share = 0.5 } },
        eligible = new { segments = new[] { "midMarket", "smb" }, riskBands = new[] { "low", "medium" } },
        guardrail = new { maxDisputeRateIncrease = 0.05, minCustomers },
    };

    private static HttpRequestMessage As(HttpMethod method, string url, string role, object? body = null)
    {
        var request = Principal.Request(method, url, role == Roles.Manager ? "maria" : "someone", role);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    [Fact]
    public async Task A_manager_runs_an_experiment_over_http_the_guardrail_stops_a_harmful_arm_and_a_promotion_changes_the_population_playbook()
    {
        var (app, client) = await stack.StartDemoHostAsync(new DemoOptions(Customers: 80, Months: 4, Seed: 11));
        await using (app)
        {
            using (client)
            {
                var id = "exp-" + Guid.NewGuid().ToString("N")[..6];

                // Reading: leaders only; the list names the playbooks an arm can use.
                Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(As(HttpMethod.Get, "/api/experiments", Roles.Collector))).StatusCode);
                var listed = await (await client.SendAsync(As(HttpMethod.Get, "/api/experiments", Roles.Cfo))).JsonAsync();
                Assert.Equal(["high-risk", "mid-market", "strategic-low-risk"], listed.GetProperty("playbooks").EnumerateArray().Select(p => p.GetProperty("id").GetString()).Order());

                // Creating: managers only; problems name their field; an id is taken once.
                Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(As(HttpMethod.Post, "/api/experiments", Roles.FinanceLead, Design(id)))).StatusCode);
                var malformed = As(HttpMethod.Post, "/api/experiments", Roles.Manager);
                malformed.Content = new StringContent("""{"id":"x","arms":[{"share":"half"}]}""", Encoding.UTF8, "application/json");
                await (await client.SendAsync(malformed)).AssertProblemAsync(400, "arms[0].share");
                var badPlaybook = JsonSerializer.SerializeToNode(Design(id))!;
                badPlaybook["arms"]![1]!["playbookId"] = "nope";
                await (await client.SendAsync(As(HttpMethod.Post, "/api/experiments", Roles.Manager, badPlaybook))).AssertProblemAsync(400, "arms.playbookId");
                var created = await client.SendAsync(As(HttpMethod.Post, "/api/experiments", Roles.Manager, Design(id, minCustomers: 5)));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                Assert.Equal("draft", (await created.JsonAsync()).GetProperty("entry").GetProperty("state").GetString());
                await (await client.SendAsync(As(HttpMethod.Post, "/api/experiments", Roles.Manager, Design(id)))).AssertProblemAsync(409, "id");
                await (await client.SendAsync(As(HttpMethod.Post, $"/api/experiments/{id}/promote", Roles.Manager, new { arm = "firm" }))).AssertProblemAsync(409, "experimentId");

                // Started: every eligible customer in one arm, recorded in its event log and shown in its customer 360.
                var started = await (await client.SendAsync(As(HttpMethod.Post, $"/api/experiments/{id}/start", Roles.Manager))).JsonAsync();
                Assert.Equal("running", started.GetProperty("entry").GetProperty("state").GetString());
                var assigned = started.GetProperty("assigned").GetInt32();
                var perArm = started.GetProperty("result").GetProperty("customersPerArm");
                Assert.InRange(assigned, 20, 80);
                Assert.Equal(assigned, perArm.GetProperty("champion").GetInt32() + perArm.GetProperty("firm").GetInt32());
                await (await client.SendAsync(As(HttpMethod.Post, $"/api/experiments/{id}/start", Roles.Manager))).AssertProblemAsync(409, "experimentId");

                var arms = await app.Services.GetRequiredService<CollectionsFx.Storage.Experiments.ExperimentStore>().AssignmentsAsync(id);
                var firm = arms.Where(a => a.Value == "firm").Select(a => a.Key).ToList();
                var champions = arms.Where(a => a.Value == "champion").Select(a => a.Key).ToList();
                var log = new List<LedgerEvent>();
                await foreach (var e in app.Services.GetRequiredService<ILedgerStore>().ReadLogAsync(firm[0]))
                {
                    log.Add(e);
                }

                var assignment = Assert.Single(log, e => e.Activity == Activities.AssignExperimentArm);
                Assert.Equal(($"{id}/firm", "maria"), (assignment.NewValue, assignment.Resource));
                var view = await (await client.GetAsync($"/api/customers/{firm[0]}")).JsonAsync();
                var membership = Assert.Single(view.GetProperty("experiments").EnumerateArray());
                Assert.Equal((id, "firm", "high-risk"), (membership.GetProperty("experimentId").GetString(), membership.GetProperty("arm").GetString(), membership.GetProperty("playbookId").GetString()));

                // A customer who arrives after the start joins at the next hourly upkeep, by the experiment's hash, once.
                var experiments = app.Services.GetRequiredService<ExperimentService>();
                var late = "LATE-" + id;
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, Events.Batch([
                    (Api.Ingestion.EventTypes.Customer, Events.Customer(late), null), (Api.Ingestion.EventTypes.Invoice, Events.Invoice(late + "-1", late), null),
                ]), Api.Ingestion.IngestionService.BatchMediaType)).StatusCode);
                await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None);
                Assert.Equal(1, (await experiments.MaintainAsync(CancellationToken.None)).Joined);
                Assert.Equal(0, (await experiments.MaintainAsync(CancellationToken.None)).Joined);
                var design = (await (await client.SendAsync(As(HttpMethod.Get, $"/api/experiments/{id}", Roles.Manager))).JsonAsync()).GetProperty("entry").GetProperty("design");
                var expectedArm = Domain.Experiments.ArmAssignment.AssignLate(design.Deserialize<Domain.Experiments.ExperimentDesign>(ApiJsonOptions.Value)!, late);
                Assert.Equal(expectedArm, (await app.Services.GetRequiredService<CollectionsFx.Storage.Experiments.ExperimentStore>().AssignmentsAsync(id))[late]);
                var lateView = await (await client.GetAsync($"/api/customers/{late}")).JsonAsync();
                Assert.Equal(expectedArm, Assert.Single(lateView.GetProperty("experiments").EnumerateArray()).GetProperty("arm").GetString());

                // Dunning follows the arm.
                var dunning = app.Services.GetRequiredService<IDunningActions>();
                Assert.Equal("high-risk", (await dunning.LoadViewAsync(firm[0], CancellationToken.None)).Playbook.Id);
                Assert.Equal("mid-market", (await dunning.LoadViewAsync(champions[0], CancellationToken.None)).Playbook.Id);

                // The challenger's customers dispute: the guardrail stops the arm by itself, its customers go back to the
                // champion's playbook, and it cannot be promoted.
                foreach (var customer in firm)
                {
                    var open = (await (await client.GetAsync($"/api/customers/{customer}")).JsonAsync()).GetProperty("profile").GetProperty("openItems").EnumerateArray().FirstOrDefault();
                    if (open.ValueKind == JsonValueKind.Object)
                    {
                        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/customers/{customer}/disputes", new { invoiceId = open.GetProperty("invoiceId").GetString(), reasonCode = "PRICE" })).StatusCode);
                    }
                }

                await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None);
                var (experiment, stop) = Assert.Single(await experiments.EnforceGuardrailsAsync(CancellationToken.None));
                Assert.Equal((id, "firm"), (experiment, stop.Arm));
                Assert.Empty(await experiments.EnforceGuardrailsAsync(CancellationToken.None)); // once
                Assert.Equal("mid-market", (await dunning.LoadViewAsync(firm[0], CancellationToken.None)).Playbook.Id);
                var detail = await (await client.SendAsync(As(HttpMethod.Get, $"/api/experiments/{id}", Roles.FinanceLead))).JsonAsync();
                Assert.StartsWith("firm stopped", detail.GetProperty("entry").GetProperty("stoppedArms")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
                await (await client.SendAsync(As(HttpMethod.Post, $"/api/experiments/{id}/promote", Roles.Manager, new { arm = "firm" }))).AssertProblemAsync(409, "experimentId");
                await (await client.SendAsync(As(HttpMethod.Post, $"/api/experiments/{id}/promote", Roles.Manager, new { arm = "nobody" }))).AssertProblemAsync(400, "arm");
                Assert.Equal("stopped", (await (await client.SendAsync(As(HttpMethod.Post, $"/api/experiments/{id}/stop", Roles.Manager))).JsonAsync()).GetProperty("entry").GetProperty("state").GetString());

                // A second experiment on the same population, its challenger promoted: every mid-market or SMB customer of a
                // low or medium band is dunned with it from then on, members or not; a strategic customer is not.
                var second = id + "-b";
                Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(As(HttpMethod.Post, "/api/experiments", Roles.Manager, Design(second)))).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(As(HttpMethod.Post, $"/api/experiments/{second}/start", Roles.Manager))).StatusCode);
                var book = await (await app.Services.GetRequiredService<Api.Insights.InsightsService>().CurrentAsync(CancellationToken.None)).BookAsOfAsync(app.Services.GetRequiredService<Api.Insights.InsightsService>().Today());
                var strategic = book.Accounts.First(a => a.Segment == nameof(Segment.Strategic)).CustomerId;
                var strategicBefore = (await dunning.LoadViewAsync(strategic, CancellationToken.None)).Playbook.Id;
                var promoted = await (await client.SendAsync(As(HttpMethod.Post, $"/api/experiments/{second}/promote", Roles.Manager, new { arm = "firm" }))).JsonAsync();
                Assert.Equal(("promoted", "firm", "maria"), (promoted.GetProperty("entry").GetProperty("state").GetString(), promoted.GetProperty("entry").GetProperty("promotedArm").GetString(), promoted.GetProperty("entry").GetProperty("changedBy").GetString()));
                Assert.Equal("high-risk", (await dunning.LoadViewAsync(champions[0], CancellationToken.None)).Playbook.Id);
                Assert.Equal(strategicBefore, (await dunning.LoadViewAsync(strategic, CancellationToken.None)).Playbook.Id);
            }
        }
    }
}
