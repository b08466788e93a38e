using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Domain.Webhooks;
using CollectionsFx.IntegrationTests.Fixtures;
using WireMock.Server;

namespace CollectionsFx.IntegrationTests.Security;

/// <summary>
/// A real <c>cfx serve</c> process at production log levels (Information; CollectionsFx at Debug) verifies a signed webhook,
/// mails a reminder through an SMTP relay that requires its credentials, and opens a CRM case with a client-credentials token:
/// none of the webhook secret, SMTP password, CRM client secret, access token or the customer's e-mail address is in its logs.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SecretsInLogsTests(StackFixture stack)
{
    [Fact]
    public async Task Secrets_and_customer_addresses_never_reach_the_logs()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (webhookSecret, smtpPassword, clientSecret, accessToken) = ($"whsec-{tag}-Qm7", $"smtp-pw-{tag}-Zt2", $"crm-cs-{tag}-Lk9", $"at-{tag}-Vb4");
        var address = $"ap-{tag}@payer.example";
        await using var sink = new SmtpSink(("cfx-relay", smtpPassword));
        using var crm = WireMockServer.Start();
        DataverseStub.Stub(crm, accessToken);
        var (apiPort, grpcPort) = (Cli.Tools.FreePort(), Cli.Tools.FreePort());
        var settings = DataverseStub.Settings(crm, clientSecret);
        settings["Ingestion__Secrets__erp"] = webhookSecret;
        settings["Smtp__Port"] = sink.Port.ToString(CultureInfo.InvariantCulture);
        settings["Smtp__UserName"] = "cfx-relay";
        settings["Smtp__Password"] = smtpPassword;
        settings["Logging__LogLevel__Default"] = "Information";
        settings["Logging__LogLevel__CollectionsFx"] = "Debug";
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        var host = CfxServe.Start(stack, apiPort, grpcPort, AzuriteFixture.NewPrefix(), settings);
        try
        {
            await CfxServe.WaitHealthyAsync(client, host);
            await DurableReady.WaitAsync(client);

            // Two customers with the same address: one five days overdue (a reminder by mail), one fifty (a CRM case).
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            JsonObject Customer(string id)
            {
                var customer = Events.Customer(id);
                customer["email"] = address;
                return customer;
            }

            JsonObject Invoice(string id, string customer, int daysOverdue)
            {
                var invoice = Events.Invoice(id, customer, 900m);
                invoice["issueDate"] = today.AddDays(-daysOverdue - 30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                invoice["dueDate"] = today.AddDays(-daysOverdue).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                return invoice;
            }

            var (mailed, escalated) = ($"SEC-M-{tag}", $"SEC-E-{tag}");
            var body = Events.Batch([
                (EventTypes.Customer, Customer(mailed), null), (EventTypes.Invoice, Invoice(mailed + "-1", mailed, 5), null),
                (EventTypes.Customer, Customer(escalated), null), (EventTypes.Invoice, Invoice(escalated + "-1", escalated, 50), null),
            ]);
            var bytes = Encoding.UTF8.GetBytes(body);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/erp") { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", IngestionService.BatchMediaType);
            request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(webhookSecret, DateTimeOffset.UtcNow, bytes));
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
            await Eventually.UntilAsync(
                async () => (await client.GetStringAsync(new Uri("/api/worklist?limit=5000", UriKind.Relative))).Contains(escalated, StringComparison.Ordinal), "the snapshot to hold the customers", 60);

            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(new Uri($"/api/dunning/{mailed}/start", UriKind.Relative), null)).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(new Uri($"/api/dunning/{escalated}/start", UriKind.Relative), null)).StatusCode);
            var mail = Assert.Single(await sink.WaitForAsync(1, seconds: 90));
            Assert.Equal(address, mail.To.Mailboxes.Single().Address); // the secrets were used: the relay took the password
            await Eventually.UntilAsync(() => Task.FromResult(crm.LogEntries.Any(e => e.RequestMessage.Method == "PATCH")), "a CRM case to be opened");

            Assert.Contains(crm.LogEntries, e => e.RequestMessage.Method == "PATCH" && e.RequestMessage.Headers!.TryGetValue("Authorization", out var auth) && auth.Contains("Bearer " + accessToken));
            await Task.Delay(1_000); // the last log lines
            var logs = CfxServe.Output(host);
            Assert.Contains("Dunning dunning-" + mailed, logs, StringComparison.Ordinal); // the logs are there to search
            foreach (var secret in new[] { webhookSecret, smtpPassword, clientSecret, accessToken, address, "AccountKey=" })
            {
                Assert.False(logs.Contains(secret, StringComparison.OrdinalIgnoreCase), $"'{secret}' is in the logs:{Environment.NewLine}{string.Join(Environment.NewLine, logs.Split('\n').Where(l => l.Contains(secret, StringComparison.OrdinalIgnoreCase)).Take(5))}");
            }
        }
        finally
        {
            CfxServe.KillAll(host);
        }
    }
}
