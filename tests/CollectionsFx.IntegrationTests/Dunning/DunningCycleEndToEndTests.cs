using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Dunning;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Workflows.Dunning;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Dunning;

/// <summary>A dunning cycle on the local host over Azurite, sending through a real SMTP server in process.</summary>
[Collection(StackCollection.Name)]
public sealed class DunningCycleEndToEndTests(StackFixture stack)
{
    [Fact]
    public async Task A_customer_overdue_for_a_month_gets_one_approved_final_notice_in_german_listing_its_undisputed_invoices()
    {
        await using var sink = new SmtpSink();
        var (app, client) = await stack.StartIsolatedHostAsync(new Dictionary<string, string?> { ["Smtp:Port"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using (app)
        {
            using (client)
            {
                var customer = "DUN-" + Guid.NewGuid().ToString("N")[..6];
                var batch = Events.Batch(
                [
                    (EventTypes.Customer, Events.Customer(customer), null),
                    (EventTypes.Invoice, Events.Invoice(customer + "-1", customer, 1_200m), null),
                    (EventTypes.Invoice, Events.Invoice(customer + "-2", customer, 300m), null),
                    (EventTypes.Invoice, Events.Invoice(customer + "-3", customer, 500m), null),
                    (EventTypes.DisputeOpened, new JsonObject { ["disputeId"] = customer + "-D", ["customerId"] = customer, ["invoiceId"] = customer + "-3", ["reasonCode"] = "PRICE", ["openedOn"] = "2026-10-10" }, null),
                ]);
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, batch, IngestionService.BatchMediaType)).StatusCode);
                await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None);
                var durable = app.Services.GetRequiredService<DurableTaskClient>();
                await DurableReady.WaitAsync(client);

                // Over HTTP, as finance ops start it: the first start is accepted, the second returns the running cycle.
                var start = await client.PostAsync($"/api/dunning/{customer}/start", null);
                Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/dunning/{customer}/start", null)).StatusCode);
                var id = (await start.JsonAsync()).GetProperty("instanceId").GetString()!;
                Assert.Equal(DunningCycle.InstanceId(customer), id);

                // Due 31 October, a month and more overdue: the mid-market playbook's final notice, which needs approval.
                await Task.Delay(500);
                Assert.Empty(sink.Messages);
                await (await client.PostAsJsonAsync($"/api/dunning/{customer}/approval", new { approved = "yes" })).AssertProblemAsync(422, "approved");
                await (await client.PostAsJsonAsync($"/api/dunning/{customer}/approval", new { approved = true })).AssertProblemAsync(422, "by");
                await (await client.PostAsJsonAsync($"/api/dunning/nobody/approval", new { approved = true, by = "m" })).AssertProblemAsync(404, "customerId");
                // The request is a task in the manager's list; the approval closes it.
                JsonElement task = default;
                for (var attempt = 0; attempt < 100 && task.ValueKind != JsonValueKind.Object; attempt++)
                {
                    await Task.Delay(100);
                    var open = (await (await client.GetAsync($"/api/tasks?assignee=collections-manager&customerId={customer}")).JsonAsync()).GetProperty("tasks");
                    task = open.GetArrayLength() > 0 ? open[0] : default;
                }

                Assert.Equal("approval", task.GetProperty("kind").GetString());
                Assert.StartsWith("Approve final-notice", task.GetProperty("subject").GetString(), StringComparison.Ordinal);
                await (await client.PostAsJsonAsync($"/api/tasks/{customer}/done", new { key = "nope" })).AssertProblemAsync(404, "key");

                Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync($"/api/dunning/{customer}/approval", new { approved = true, by = "collections-manager" })).StatusCode);
                Assert.Equal(0, (await (await client.GetAsync($"/api/tasks?customerId={customer}")).JsonAsync()).GetProperty("tasks").GetArrayLength());

                var mail = Assert.Single(await sink.WaitForAsync(1));
                Assert.StartsWith("Letzte Mahnung", mail.Subject, StringComparison.Ordinal); // the customer is in Germany
                Assert.Equal("ap@acme.example", mail.To.Mailboxes.Single().Address);
                Assert.Contains(customer + "-1", mail.HtmlBody, StringComparison.Ordinal);
                Assert.Contains(customer + "-2", mail.HtmlBody, StringComparison.Ordinal);
                Assert.DoesNotContain(customer + "-3", mail.HtmlBody, StringComparison.Ordinal); // disputed
                Assert.Contains("1.500,00 EUR", mail.TextBody, StringComparison.Ordinal);

                // The action is in the ledger once, for the cost KPIs and the event log.
                var deadline = DateTime.UtcNow.AddSeconds(10);
                var actions = 0;
                while (actions == 0 && DateTime.UtcNow < deadline)
                {
                    actions = 0;
                    await foreach (var e in app.Services.GetRequiredService<ILedgerStore>().ReadLogAsync(customer))
                    {
                        actions += e.Activity == Domain.Ledger.Activities.FinalNotice ? 1 : 0;
                    }

                    await Task.Delay(200);
                }

                Assert.Equal(2, actions); // a final-notice event on each of the two invoices listed

                // Afterwards the cycle sleeps with both invoices at the last level; a person snoozes it.
                await (await client.PostAsJsonAsync($"/api/dunning/{customer}/signal", new { kind = "snooze" })).AssertProblemAsync(422, "until");
                await (await client.PostAsJsonAsync($"/api/dunning/{customer}/signal", new { kind = "pause" })).AssertProblemAsync(422, "kind");
                Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync($"/api/dunning/{customer}/signal", new { kind = "snooze", until = "2027-01-15" })).StatusCode);
                JsonElement state = default;
                for (var attempt = 0; attempt < 100 && !(state.ValueKind == JsonValueKind.Object && state.TryGetProperty("snoozedUntil", out var s) && s.GetString() == "2027-01-15"); attempt++)
                {
                    await Task.Delay(100);
                    var cycle = await (await client.GetAsync($"/api/dunning/{customer}")).JsonAsync();
                    state = cycle.TryGetProperty("state", out var st) ? st : default;
                }

                Assert.Equal("2027-01-15", state.GetProperty("snoozedUntil").GetString());
                Assert.Equal(5, state.GetProperty("levelsSent").GetProperty(customer + "-1").GetInt32());
                await (await client.GetAsync("/api/dunning/nobody")).AssertProblemAsync(404, "customerId");
                // Payment ends the cycle: ingestion wakes it (no one signals it here), nothing is left open, it completes.
                var payment = Events.Batch(
                [
                    (EventTypes.Payment, Events.Payment(customer + "-P", customer, 1_500m, (customer + "-1", 1_200m), (customer + "-2", 300m)), null),
                    (EventTypes.DisputeResolved, new JsonObject { ["disputeId"] = customer + "-D", ["customerId"] = customer, ["invoiceId"] = customer + "-3", ["reasonCode"] = "PRICE", ["openedOn"] = "2026-10-10", ["resolvedOn"] = "2026-11-20", ["outcome"] = "accepted" }, null),
                    (EventTypes.CreditNote, new JsonObject { ["creditNoteId"] = customer + "-CN", ["customerId"] = customer, ["invoiceId"] = customer + "-3", ["issueDate"] = "2026-11-20", ["amount"] = 500, ["currency"] = "EUR" }, null),
                ]);
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, payment, IngestionService.BatchMediaType)).StatusCode);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var done = await durable.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, wait.Token);
                Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
                Assert.Equal("nothing open: the cycle ends", done.ReadOutputAs<DunningOutcome>()!.Reason);
                Assert.Single(sink.Messages);
            }
        }
    }

    [Fact]
    public async Task The_daily_check_starts_a_cycle_for_each_customer_with_something_to_dun_once()
    {
        var (app, client) = await stack.StartIsolatedHostAsync();
        await using (app)
        {
            using (client)
            {
                var overdue = "DUE-" + Guid.NewGuid().ToString("N")[..6];
                var paid = "PAID-" + Guid.NewGuid().ToString("N")[..6];
                var batch = Events.Batch(
                [
                    (EventTypes.Customer, Events.Customer(overdue), null),
                    (EventTypes.Invoice, Events.Invoice(overdue + "-1", overdue, 100m), null),
                    (EventTypes.Customer, Events.Customer(paid), null),
                    (EventTypes.Invoice, Events.Invoice(paid + "-1", paid, 100m), null),
                    (EventTypes.Payment, Events.Payment(paid + "-P", paid, 100m, (paid + "-1", 100m)), null),
                ]);
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, batch, IngestionService.BatchMediaType)).StatusCode);
                await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None);
                var durable = app.Services.GetRequiredService<DurableTaskClient>();
                await DurableReady.WaitAsync(client);
                var scheduler = app.Services.GetRequiredService<DunningScheduler>();

                // Finance ops start a selection over HTTP (a segment with nobody to dun, then a list); the daily check finds nothing left.
                await (await client.PostAsJsonAsync("/api/dunning/start", new { segment = "Enterprise" })).AssertProblemAsync(422, "segment");
                var none = await (await client.PostAsJsonAsync("/api/dunning/start", new { segment = "Smb" })).JsonAsync();
                Assert.Equal(0, none.GetProperty("eligible").GetInt32());
                var first = await (await client.PostAsJsonAsync("/api/dunning/start", new { customerIds = new[] { overdue, paid } })).JsonAsync();
                var second = await scheduler.EnsureCyclesAsync(durable, CancellationToken.None);

                Assert.Equal((1, 1, 0), (first.GetProperty("eligible").GetInt32(), first.GetProperty("started").GetInt32(), second));
                Assert.NotNull(await durable.GetInstanceAsync(DunningCycle.InstanceId(overdue)));
                Assert.Null(await durable.GetInstanceAsync(DunningCycle.InstanceId(paid)));
                // The cycle waits for a manager (the final notice needs approval); a rejection lets it move on, and the invoice's
                // payment ends it, so the host stops with nothing running.
                var payment = Events.Single(EventTypes.Payment, Events.Payment(overdue + "-P", overdue, 100m, (overdue + "-1", 100m)));
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, payment)).StatusCode);
                await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None);
                // A bulk block pauses the selection's running cycles.
                await (await client.PostAsJsonAsync("/api/dunning/bulk", new { action = "pause" })).AssertProblemAsync(422, "action");
                await (await client.PostAsJsonAsync("/api/dunning/bulk", new { action = "block", segment = "Enterprise" })).AssertProblemAsync(422, "segment");
                var blocked = await (await client.PostAsJsonAsync("/api/dunning/bulk", new { action = "block", customerIds = new[] { overdue, paid } })).JsonAsync();
                Assert.Equal((2, 1), (blocked.GetProperty("selected").GetInt32(), blocked.GetProperty("acted").GetInt32()));
                await durable.RaiseEventAsync(DunningCycle.InstanceId(overdue), DunningCycle.ApprovalEvent, new ApprovalDecision(false, "collections-manager"));
                // The signals already sent (the block, the payment's "changed" from the rescore worker) may have woken it after
                // the rejection and ended it before this one: then there is nothing left to signal (404).
                var nudge = (await client.PostAsJsonAsync($"/api/dunning/{overdue}/signal", new { kind = "changed" })).StatusCode;
                Assert.True(nudge is HttpStatusCode.Accepted or HttpStatusCode.NotFound, $"signal answered {nudge}");
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var done = await durable.WaitForInstanceCompletionAsync(DunningCycle.InstanceId(overdue), wait.Token);
                Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            }
        }
    }
}
