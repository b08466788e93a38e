using System.Globalization;
using System.Net;
using System.Text.Json;
using CollectionsFx.Api.Dunning;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage.Mail;
using CollectionsFx.Workflows.Dunning;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Faults;

/// <summary>
/// The mail server down while a dunning cycle wants to send, on the local host over Azurite: the send is retried with
/// backoff, then dead-lettered (the alert's log line) while the cycle keeps running and offers the notice again every
/// playbook hour; when the server is back the notice arrives once and its dead letter leaves the pending list.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SmtpOutageTests(StackFixture stack)
{
    /// <summary>A playbook day of 24 s: a playbook hour (the redelivery interval) is one second.</summary>
    private const int DaySeconds = 24;

    [Fact]
    public async Task A_notice_undelivered_while_smtp_is_down_is_dead_lettered_and_sent_once_when_it_is_back()
    {
        var port = SmtpSink.FreePort(); // nothing listens yet: the server is down
        var (app, client) = await stack.StartIsolatedHostAsync(new Dictionary<string, string?>
        {
            ["Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Dunning:DayLength"] = TimeSpan.FromSeconds(DaySeconds).ToString(),
        });
        await using (app)
        {
            using (client)
            {
                var customer = "SMTP-" + Guid.NewGuid().ToString("N")[..6];
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, Events.OverdueCustomer(customer), IngestionService.BatchMediaType)).StatusCode);
                await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None);
                await DurableReady.WaitAsync(client);
                Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/dunning/{customer}/start", null)).StatusCode);

                // Retried, then dead-lettered with its reason; the letter names the notice's key.
                JsonElement letter = default;
                await Eventually.UntilAsync(async () => (letter = await LetterAsync(client, customer)).ValueKind == JsonValueKind.Object, "a dead letter of the undelivered notice", 60);
                Assert.Equal(UndeliveredNotices.Source, letter.GetProperty("source").GetString());
                Assert.Contains("reminder-1 (Email) for " + customer + " undelivered after its retries", letter.GetProperty("reason").GetString(), StringComparison.Ordinal);
                var key = letter.GetProperty("eventId").GetString()!;
                Assert.StartsWith(DunningCycle.InstanceId(customer) + "/", key, StringComparison.Ordinal);
                var id = letter.GetProperty("id").GetString()!;
                Assert.Equal(UndeliveredNotices.IdFor(key), id);
                await (await client.PostAsync($"/api/deadletters/{id}/replay", null)).AssertProblemAsync(409, "id");

                // The cycle did not fail: it runs and offers the notice again (one letter per notice, however many hours).
                var durable = app.Services.GetRequiredService<DurableTaskClient>();
                var instance = await durable.GetInstanceAsync(DunningCycle.InstanceId(customer));
                Assert.Equal(OrchestrationRuntimeStatus.Running, instance!.RuntimeStatus);
                await Task.Delay(TimeSpan.FromSeconds(2.5));
                Assert.Equal(1, await LettersAsync(client, customer));
                Assert.Equal(OrchestrationRuntimeStatus.Running, (await durable.GetInstanceAsync(DunningCycle.InstanceId(customer)))!.RuntimeStatus);

                // The server comes back where it was: the notice arrives once, under its key's Message-ID.
                await using var sink = new SmtpSink(port: port);
                var mail = Assert.Single(await sink.WaitForAsync(1));
                Assert.Equal(OutboxStore.MessageIdFor(key), mail.MessageId);
                Assert.StartsWith("Zahlungserinnerung", mail.Subject, StringComparison.Ordinal);
                await Eventually.UntilAsync(async () => await LettersAsync(client, customer) == 0, "the dead letter leaving the pending list", 30);

                // Two more playbook hours: nothing more is sent; the ledger has the notice once, under its key.
                await Task.Delay(TimeSpan.FromSeconds(2.5));
                Assert.Single(sink.Messages);
                var cycle = await (await client.GetAsync($"/api/dunning/{customer}")).JsonAsync();
                Assert.Equal("notice-" + key, Assert.Single(cycle.GetProperty("history").EnumerateArray()).GetProperty("id").GetString());
                Assert.Equal("Running", cycle.GetProperty("runtimeStatus").GetString());
            }
        }
    }

    private static async Task<JsonElement> LetterAsync(HttpClient client, string customer) =>
        (await (await client.GetAsync("/api/deadletters")).JsonAsync()).EnumerateArray()
            .FirstOrDefault(l => l.GetProperty("eventId").GetString()?.StartsWith(DunningCycle.InstanceId(customer) + "/", StringComparison.Ordinal) == true);

    private static async Task<int> LettersAsync(HttpClient client, string customer) =>
        (await (await client.GetAsync("/api/deadletters")).JsonAsync()).EnumerateArray()
            .Count(l => l.GetProperty("eventId").GetString()?.StartsWith(DunningCycle.InstanceId(customer) + "/", StringComparison.Ordinal) == true);
}
