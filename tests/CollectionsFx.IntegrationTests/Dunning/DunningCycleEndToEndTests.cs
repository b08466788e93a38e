using System.Net;
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
                await WaitForDurableAsync(durable);

                var (id, started) = await DunningStarter.StartAsync(durable, customer, CancellationToken.None);
                Assert.True(started);
                Assert.False((await DunningStarter.StartAsync(durable, customer, CancellationToken.None)).Started);

                // Due 31 October, a month and more overdue: the mid-market playbook's final notice, which needs approval.
                await Task.Delay(500);
                Assert.Empty(sink.Messages);
                await durable.RaiseEventAsync(id, DunningCycle.ApprovalEvent, new ApprovalDecision(true, "collections-manager"));

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
                await durable.TerminateInstanceAsync(id, "test done");
                Assert.Single(sink.Messages);
            }
        }
    }

    /// <summary>The host's Durable sidecar listens a moment after the host started: ask until it answers.</summary>
    private static async Task WaitForDurableAsync(DurableTaskClient durable)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await durable.GetInstanceAsync("ready-check", CancellationToken.None);
                return;
            }
            catch (Grpc.Core.RpcException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }
}
