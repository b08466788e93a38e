using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Diagnostics;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Domain.Webhooks;
using CollectionsFx.IntegrationTests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Hosting;

/// <summary>
/// One correlation id from a webhook to the mail it causes: a promise to pay arrives with the sender's <c>traceparent</c>; the
/// ledger change, the promise follow-up it starts and the confirmation mail all belong to that trace, and the mail carries
/// its id in <c>X-Correlation-Id</c>.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TelemetryTests(StackFixture stack) : IDisposable
{
    private readonly ConcurrentBag<Activity> spans = [];
    private readonly ActivityListener listener = new()
    {
        ShouldListenTo = s => s.Name == Telemetry.Name,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    public void Dispose() => listener.Dispose();

    [Fact]
    public async Task A_webhook_trace_runs_through_the_ledger_change_and_the_follow_up_into_the_mail()
    {
        listener.ActivityStopped = spans.Add;
        ActivitySource.AddActivityListener(listener);
        await using var sink = new SmtpSink();
        var (app, client) = await stack.StartIsolatedHostAsync(new Dictionary<string, string?> { ["Smtp:Port"] = sink.Port.ToString(CultureInfo.InvariantCulture) });
        await using (app)
        {
            using (client)
            {
                var customer = "OTEL-" + Guid.NewGuid().ToString("N")[..6];
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, Events.OverdueCustomer(customer), IngestionService.BatchMediaType)).StatusCode);
                await DurableReady.WaitAsync(client);
                // The customer's own change handled first (a message counts until the worker deletes it): handled after the
                // promise was committed, it would find the promise and start its follow-up in its own trace.
                var queue = app.Services.GetRequiredService<CollectionsFx.Storage.StorageLayout>().Rescore;
                await Eventually.UntilAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the rescore queue emptied", 30);

                // The ERP's request, in its own trace.
                var trace = ActivityTraceId.CreateRandom();
                var promise = new JsonObject
                {
                    ["promiseId"] = customer + "-P", ["customerId"] = customer, ["invoiceIds"] = new JsonArray(customer + "-1"),
                    ["promisedDate"] = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["amount"] = 800, ["currency"] = "EUR",
                };
                var body = Encoding.UTF8.GetBytes(Events.Single(EventTypes.PromiseRecorded, promise));
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ingest/{StackFixture.Source}") { Content = new ByteArrayContent(body) };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", IngestionService.SingleMediaType);
                request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(StackFixture.Secret, DateTimeOffset.UtcNow, body));
                // The sender's span: HttpClient sends its traceparent (as a traced ERP's client would).
                using (new Activity("erp-webhook").SetParentId(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
                {
                    Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
                }


                // The confirmation mail carries the webhook's trace id.
                var mail = Assert.Single(await sink.WaitForAsync(1, seconds: 60));
                Assert.StartsWith("Ihre Zahlungszusage", mail.Subject, StringComparison.Ordinal);
                Assert.Equal(trace.ToHexString(), mail.Headers[Telemetry.CorrelationHeader]);

                // And every step between is a span of that trace.
                await Eventually.UntilAsync(() => Task.FromResult(spans.Any(s => s.TraceId == trace && s.OperationName == "promise.mail")), "the mail's span", 10);
                var names = spans.Where(s => s.TraceId == trace).Select(s => s.OperationName).ToHashSet();
                Assert.Superset(new HashSet<string> { "ingest", "ledger.changes", "promise.mail" }, names);
                var ingest = spans.Single(s => s.TraceId == trace && s.OperationName == "ingest");
                Assert.Equal(StackFixture.Source, ingest.GetTagItem("cfx.source"));
            }
        }
    }
}
