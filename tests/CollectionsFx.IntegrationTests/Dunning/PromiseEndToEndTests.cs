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
// Alone (after the parallel collections): its playbook days last 2 s, so a machine busy with the browser tests compresses the
// story (steps that are days apart can meet).
[Collection(IsolatedCollection.Name)]
public sealed class PromiseEndToEndTests(StackFixture stack) : IDisposable
{
    private const double DaySeconds = 2;
    private readonly WireMockServer crm = WireMockServer.Start();

    public void Dispose() => crm.Stop();

    [Fact]
    public async Task A_broken_promise_opens_a_crm_case_and_dunning_resumes_at_the_next_level_at_once()
    {
        DataverseStub.Stub(crm);
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
                var customer = "PTP-" + Guid.NewGuid().ToString("N")[..6];
                string Inv(int n) => $"{customer}-{n}";
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, Story(customer), IngestionService.BatchMediaType)).StatusCode);
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
                var recorded = await client.PostAsJsonAsync($"/api/customers/{customer}/promises", Promise(customer));
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

                // The cycle's history reads as what happened.
                var cycle = await (await client.GetAsync($"/api/dunning/{customer}")).JsonAsync();
                var history = cycle.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("text").GetString()!).ToList();
                Assert.Equal("E-mail, reminder level 1, on 3 invoices, by automation", history[0]);
                Assert.Contains(history, h => h.StartsWith("CRM escalation, on 2 invoices, by automation: Promise to pay", StringComparison.Ordinal));
                Assert.Contains("E-mail, reminder level 2, on 3 invoices, by automation", history);

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

    /// <summary>
    /// The same story in a real <c>cfx serve</c> process, killed (SIGKILL) the moment the promise's confirmation reached the
    /// SMTP sink, so the activity that sent it may never have reported back; a second process over the same storage finishes
    /// the story. Every step mails exactly once and Dataverse gets one case.
    /// </summary>
    [Fact]
    public async Task After_kill_minus_nine_mid_story_every_step_mails_exactly_once_and_one_case_opens()
    {
        DataverseStub.Stub(crm);
        await using var sink = new SmtpSink();
        var (apiPort, grpcPort, prefix) = (Cli.Tools.FreePort(), Cli.Tools.FreePort(), AzuriteFixture.NewPrefix());
        var settings = new Dictionary<string, string>
        {
            [$"Ingestion__Secrets__{StackFixture.Source}"] = StackFixture.Secret,
            ["Smtp__Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
            ["Dunning__DayLength"] = TimeSpan.FromSeconds(DaySeconds).ToString(),
            // Both processes count playbook days from the same instant.
            ["Dunning__ClockStart"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            // A message the killed host had dequeued comes back after this (5 minutes by default, as in Durable Functions).
            ["Durable__QueueVisibilityTimeout"] = "00:00:15",
        };
        foreach (var (key, value) in DataverseStub.Settings(crm))
        {
            settings[key] = value;
        }

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        var first = CfxServe.Start(stack, apiPort, grpcPort, prefix, settings);
        System.Diagnostics.Process? second = null;
        try
        {
            await CfxServe.WaitHealthyAsync(client, first);
            await DurableReady.WaitAsync(client);
            var customer = "KILL-" + Guid.NewGuid().ToString("N")[..6];
            Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, Story(customer), IngestionService.BatchMediaType)).StatusCode);
            await Eventually.UntilAsync(async () => (await client.GetStringAsync(new Uri("/api/worklist?limit=5000", UriKind.Relative))).Contains(customer, StringComparison.Ordinal), "the snapshot to hold the customer");

            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(new Uri($"/api/dunning/{customer}/start", UriKind.Relative), null)).StatusCode);
            await sink.WaitForAsync(1, seconds: 120);
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync(new Uri($"/api/customers/{customer}/promises", UriKind.Relative), Promise(customer))).StatusCode);
            await sink.WaitForAsync(2, seconds: 120);
            first.Kill(entireProcessTree: true); // SIGKILL right after the confirmation went out
            await first.WaitForExitAsync();

            second = CfxServe.Start(stack, apiPort, grpcPort, prefix, settings);
            await CfxServe.WaitHealthyAsync(client, second);
            var promise = default(JsonElement);
            await Eventually.UntilAsync(async () =>
            {
                promise = await (await client.GetAsync(new Uri($"/api/promises/{customer}-P1", UriKind.Relative))).JsonAsync();
                return promise.TryGetProperty("outcome", out _);
            }, "the promise's verdict", seconds: 180);
            Assert.Equal("broken", promise.GetProperty("outcome").GetProperty("state").GetString());
            // The resumed cycle's reminder follows the verdict; on a busy machine (browser tests beside it) it can take a while.
            var mails = await sink.WaitForAsync(3, seconds: 120);
            Assert.StartsWith("Zweite Mahnung", mails[2].Subject, StringComparison.Ordinal);

            var payment = Events.Single(EventTypes.Payment, Events.Payment(customer + "-PAY", customer, 1_200m, ($"{customer}-1", 400m), ($"{customer}-2", 300m), ($"{customer}-3", 500m)));
            Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, payment)).StatusCode);
            await Eventually.UntilAsync(async () => (await (await client.GetAsync(new Uri($"/api/dunning/{customer}", UriKind.Relative))).JsonAsync()).GetProperty("runtimeStatus").GetString() == "Completed", "the cycle to end");

            await Task.Delay(TimeSpan.FromSeconds(DaySeconds));
            // Exactly once: every notice the ledger records was mailed once, and every dunning mail is a recorded notice. A notice's
            // key names what it says (level and lines), so a generation decided again in the second process finds its mail sent.
            // On a slow machine the broken promise can take invoices 1 and 2 to reminder 2 before invoice 3's own day for it: then a
            // second "Zweite Mahnung" follows when invoice 3 reaches it, a new notice (DOMAIN.md §6: one per step an item rises to).
            var all = sink.Messages.Select(m => $"{m.Subject} <{m.MessageId}>").ToList();
            var explain = string.Join(" | ", all) + Environment.NewLine + CfxServe.Output(first, second);
            var history = (await (await client.GetAsync(new Uri($"/api/dunning/{customer}", UriKind.Relative))).JsonAsync()).GetProperty("history").EnumerateArray()
                .Select(h => h.GetProperty("id").GetString()!).Where(id => id.StartsWith("notice-", StringComparison.Ordinal)).ToList();
            var noticeMails = history.Select(id => CollectionsFx.Storage.Mail.OutboxStore.MessageIdFor(id["notice-".Length..])).Order(StringComparer.Ordinal).ToList();
            var dunningMails = sink.Messages.Where(m => !(m.Subject ?? "").StartsWith("Ihre Zahlungszusage", StringComparison.Ordinal)).Select(m => m.MessageId!).Order(StringComparer.Ordinal).ToList();
            Assert.True(noticeMails.SequenceEqual(dunningMails), "notices recorded vs mailed: " + explain);
            Assert.True(sink.Messages.Count == sink.Messages.Select(m => m.MessageId).Distinct().Count(), "a notice mailed twice: " + explain);
            Assert.True(sink.Messages.Count is >= 3 and <= 4, "mails: " + explain);
            Assert.Single(crm.LogEntries.Where(e => e.RequestMessage.Method == "PATCH").Select(e => e.RequestMessage.Url).Distinct());
        }
        finally
        {
            CfxServe.KillAll(first, second);
        }
    }

    /// <summary>A German mid-market customer with three invoices due four days ago (400, 300 and 500 EUR).</summary>
    private static string Story(string customer)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        JsonObject Invoice(int n, decimal amount)
        {
            var invoice = Events.Invoice($"{customer}-{n}", customer, amount);
            invoice["issueDate"] = today.AddDays(-34).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            invoice["dueDate"] = today.AddDays(-4).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return invoice;
        }

        return Events.Batch(
        [
            (EventTypes.Customer, Events.Customer(customer), null),
            (EventTypes.Invoice, Invoice(1, 400m), null),
            (EventTypes.Invoice, Invoice(2, 300m), null),
            (EventTypes.Invoice, Invoice(3, 500m), null),
        ]);
    }

    /// <summary>A promise of 700 EUR on the first two invoices, by tomorrow with one day's tolerance.</summary>
    private static object Promise(string customer) => new
    {
        promiseId = customer + "-P1", invoiceIds = new[] { customer + "-1", customer + "-2" },
        promisedDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), amount = 700, currency = "EUR", toleranceDays = 1,
    };
}
