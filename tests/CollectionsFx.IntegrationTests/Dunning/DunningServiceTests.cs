using System.Globalization;
using System.Net;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Workflows.Dunning;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Dunning;

/// <summary>The dunning activities against the real stores: what the send step does when the ledger moved after the decision.</summary>
[Collection(StackCollection.Name)]
public sealed class DunningServiceTests(StackFixture stack)
{
    [Fact]
    public async Task An_invoice_paid_between_decision_and_send_leaves_the_notice_and_a_notice_with_nothing_left_is_not_sent()
    {
        await using var sink = new SmtpSink();
        var (app, client) = await stack.StartIsolatedHostAsync(new Dictionary<string, string?> { ["Smtp:Port"] = sink.Port.ToString(CultureInfo.InvariantCulture) });
        await using (app)
        {
            using (client)
            {
                var customer = "SND-" + Guid.NewGuid().ToString("N")[..6];
                var batch = Events.Batch(
                [
                    (EventTypes.Customer, Events.Customer(customer), null),
                    (EventTypes.Invoice, Events.Invoice(customer + "-1", customer, 100m), null),
                    (EventTypes.Invoice, Events.Invoice(customer + "-2", customer, 200m), null),
                ]);
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, batch, IngestionService.BatchMediaType)).StatusCode);
                await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None);
                var dunning = app.Services.GetRequiredService<IDunningActions>();
                var view = await dunning.LoadViewAsync(customer, CancellationToken.None);
                var decision = DunningDecider.Decide(view.Playbook, view.Items, new Dictionary<string, int>(), DateOnly.FromDateTime(DateTime.UtcNow));
                var notice = Assert.IsType<DunningNotice>(decision.Notice);
                Assert.Equal(2, notice.Lines.Count);

                // The first invoice is paid after the decision, before the send.
                var payment = Events.Single(EventTypes.Payment, Events.Payment(customer + "-P1", customer, 100m, (customer + "-1", 100m)));
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, payment)).StatusCode);
                await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None);
                var sent = await dunning.SendNoticeAsync(new NoticeRequest(customer, $"test/{customer}/1", notice, null), CancellationToken.None);

                Assert.True(sent.Sent);
                var mail = Assert.Single(await sink.WaitForAsync(1));
                Assert.DoesNotContain(customer + "-1", mail.HtmlBody, StringComparison.Ordinal);
                Assert.Contains(customer + "-2", mail.HtmlBody, StringComparison.Ordinal);

                // Then the second: the same notice again (a later step, say) finds nothing open and sends nothing.
                var rest = Events.Single(EventTypes.Payment, Events.Payment(customer + "-P2", customer, 200m, (customer + "-2", 200m)));
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, rest)).StatusCode);
                await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None);
                var none = await dunning.SendNoticeAsync(new NoticeRequest(customer, $"test/{customer}/2", notice, null), CancellationToken.None);

                Assert.Equal(new NoticeResult(false, "nothing left open"), none);
                await Task.Delay(300);
                Assert.Single(sink.Messages);
            }
        }
    }
}
