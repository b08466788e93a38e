using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Workflows.Dunning;
using CollectionsFx.Workflows.Promises;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CollectionsFx.IntegrationTests.Dunning;

/// <summary>
/// Touchless collections end to end on the local host over Azurite, with a real SMTP sink and a WireMock Dataverse: three
/// overdue invoices get one reminder listing all three; a promise on two of them pauses their dunning; the promise is broken,
/// so a CRM case opens and the next reminder comes at the next level at once; a dispute holds one invoice; payment ends the
/// cycle. Playbook days last two seconds here (the same arithmetic as real days).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PromiseEndToEndTests(StackFixture stack) : IDisposable
{
    private const double DaySeconds = 2;
    private readonly WireMockServer crm = WireMockServer.Start();

    public void Dispose() => crm.Stop();

    [Fact]
    public async Task A_broken_promise_opens_a_crm_case_and_dunning_resumes_at_the_next_level_at_once()
    {
        crm.Given(Request.Create().WithPath("/token").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("""{"token_type":"Bearer","expires_in":3599,"access_token":"tok"}"""));
        crm.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/api/data/v9.2/incidents*")).UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("""{"incidentid":"6f0a1c2e-0000-0000-0000-000000000001"}"""));
        await using var sink = new SmtpSink();
        var (app, client) = await stack.StartIsolatedHostAsync(new Dictionary<string, string?>
        {
            ["Smtp:Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
            ["Dunning:DayLength"] = TimeSpan.FromSeconds(DaySeconds).ToString(),
            ["Connectors:Crm:Kind"] = "dataverse",
            ["Connectors:Crm:BaseUrl"] = crm.Url + "/api/data/v9.2/",
            ["Connectors:Crm:TokenUrl"] = crm.Url + "/token",
            ["Connectors:Crm:ClientId"] = "cfx",
            ["Connectors:Crm:ClientSecret"] = "secret",
        });
        await using (app)
        {
            using (client)
            {
                var today = DateOnly.FromDateTime(DateTime.UtcNow);
                var customer = "PTP-" + Guid.NewGuid().ToString("N")[..6];
                string Inv(int n) => $"{customer}-{n}";
                JsonObject Invoice(int n, decimal amount)
                {
                    var invoice = Events.Invoice(Inv(n), customer, amount);
                    invoice["issueDate"] = today.AddDays(-34).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    invoice["dueDate"] = today.AddDays(-4).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    return invoice;
                }

                var batch = Events.Batch(
                [
                    (EventTypes.Customer, Events.Customer(customer), null),
                    (EventTypes.Invoice, Invoice(1, 400m), null),
                    (EventTypes.Invoice, Invoice(2, 300m), null),
                    (EventTypes.Invoice, Invoice(3, 500m), null),
                ]);
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, batch, IngestionService.BatchMediaType)).StatusCode);
                await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None);
                var durable = app.Services.GetRequiredService<DurableTaskClient>();
                await DurableReady.WaitAsync(client);

                // Four days overdue on the mid-market playbook: reminder 1, one mail listing all three invoices.
                Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/dunning/{customer}/start", null)).StatusCode);
                var first = Assert.Single(await sink.WaitForAsync(1));
                Assert.StartsWith("Zahlungserinnerung", first.Subject, StringComparison.Ordinal);
                Assert.All([Inv(1), Inv(2), Inv(3)], i => Assert.Contains(i, first.HtmlBody, StringComparison.Ordinal));

                // A promise on two of them, by tomorrow with one day's tolerance: confirmed, and dunning of those two pauses.
                await (await client.PostAsJsonAsync($"/api/customers/{customer}/promises", new { invoiceIds = new[] { Inv(1) }, promisedDate = "soon", amount = 700, currency = "EUR" }))
                    .AssertProblemAsync(422, "promisedDate");
                var recorded = await client.PostAsJsonAsync($"/api/customers/{customer}/promises", new
                {
                    promiseId = customer + "-P1", invoiceIds = new[] { Inv(1), Inv(2) }, promisedDate = today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    amount = 700, currency = "EUR", toleranceDays = 1,
                });
                Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
                var confirmation = (await sink.WaitForAsync(2))[1];
                Assert.StartsWith("Ihre Zahlungszusage: 700,00 EUR", confirmation.Subject, StringComparison.Ordinal);
                Assert.DoesNotContain(Inv(3), confirmation.HtmlBody, StringComparison.Ordinal);

                // Nothing is paid: the day after promised date + tolerance the promise is Broken, a case opens in Dataverse, and
                // dunning goes on to reminder 2 at once (its own day, due + 14, is ten playbook days away), listing all three.
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                var followUp = await durable.WaitForInstanceCompletionAsync(PromiseFollowUp.InstanceId(customer + "-P1"), getInputsAndOutputs: true, wait.Token);
                var outcome = followUp.ReadOutputAs<PromiseOutcome>()!;
                Assert.Equal((Domain.Ledger.PromiseState.Broken, true, false), (outcome.State, outcome.Escalated, outcome.PatternEscalated));
                var second = (await sink.WaitForAsync(3))[2];
                var started = followUp.CreatedAt;
                Assert.StartsWith("Zweite Mahnung", second.Subject, StringComparison.Ordinal);
                Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(9 * DaySeconds), "reminder 2 came on its own day, not on the broken promise");
                Assert.All([Inv(1), Inv(2), Inv(3)], i => Assert.Contains(i, second.HtmlBody, StringComparison.Ordinal));
                var incident = Assert.Single(crm.LogEntries, e => e.RequestMessage.Method == "PATCH").RequestMessage;
                Assert.Contains(Uri.EscapeDataString($"promise-{customer}-P1/broken"), incident.Url, StringComparison.Ordinal);
                Assert.Equal($"/accounts(accountnumber='{customer}')", JsonNode.Parse(incident.Body!)!["customerid_account@odata.bind"]!.GetValue<string>());
                await (await client.PostAsync($"/api/customers/{customer}/promises/{customer}-P1/withdraw", null)).AssertProblemAsync(409, "promiseId");
                var status = await (await client.GetAsync($"/api/promises/{customer}-P1")).JsonAsync();
                Assert.Equal("broken", status.GetProperty("outcome").GetProperty("state").GetString());

                // The ledger holds the verdict, the notices and the escalation, each once.
                var activities = new List<string>();
                await foreach (var e in app.Services.GetRequiredService<ILedgerStore>().ReadLogAsync(customer))
                {
                    activities.Add(e.Activity);
                }

                Assert.Equal(2, activities.Count(a => a == Domain.Ledger.Activities.PromiseBroken)); // one event per invoice of the promise
                Assert.Contains(Domain.Ledger.Activities.EscalateInCrm, activities);

                // A dispute on the third invoice holds it; payment of all three ends the cycle; nothing else was mailed.
                var dispute = await client.PostAsJsonAsync($"/api/customers/{customer}/disputes", new { invoiceId = Inv(3), reasonCode = "QUANTITY" });
                Assert.Equal(HttpStatusCode.Created, dispute.StatusCode);
                var disputeId = (await dispute.JsonAsync()).GetProperty("disputeId").GetString();
                await (await client.PostAsJsonAsync($"/api/customers/{customer}/disputes/{disputeId}/resolve", new { outcome = "maybe" })).AssertProblemAsync(422, "outcome");
                var payment = Events.Single(EventTypes.Payment, Events.Payment(customer + "-PAY", customer, 1_200m, (Inv(1), 400m), (Inv(2), 300m), (Inv(3), 500m)));
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, payment)).StatusCode);
                var done = await durable.WaitForInstanceCompletionAsync(DunningCycle.InstanceId(customer), getInputsAndOutputs: true, wait.Token);
                Assert.Equal("nothing open: the cycle ends", done.ReadOutputAs<DunningOutcome>()!.Reason);
                Assert.Equal(3, sink.Messages.Count);
                Assert.Single(crm.LogEntries, e => e.RequestMessage.Method == "PATCH");
            }
        }
    }
}
