using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Domain.Mining.Interchange;
using CollectionsFx.IntegrationTests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Insights;

/// <summary>
/// KPIs, gaps, targets and mining over HTTP on the local host, fed through the webhook. The class has a ledger of its own
/// (other tests put currencies without rates into the shared one, which rightly makes KPIs a 422 there).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class InsightsApiTests(StackFixture stack) : IAsyncLifetime
{
    private HttpClient client = null!;

    public async Task InitializeAsync() => client = (await stack.SharedIsolatedHostAsync(nameof(InsightsApiTests))).Client;

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> PostAsync(string body, string contentType = IngestionService.SingleMediaType) => StackFixture.PostAsync(client, body, contentType);

    private static string NewCustomer() => "KPI-" + Guid.NewGuid().ToString("N")[..8];

    private async Task SeedAsync(string customer, decimal amount = 1_000m)
    {
        var batch = Events.Batch(
        [
            (EventTypes.Customer, Events.Customer(customer), null),
            (EventTypes.Invoice, Events.Invoice(customer + "-I1", customer, amount), null),
        ]);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(batch, IngestionService.BatchMediaType)).StatusCode);
    }

    /// <summary>Polls the KPIs grouped by customer until <paramref name="customer"/>'s total AR is <paramref name="expected"/>; returns the time it took.</summary>
    private async Task<TimeSpan> WaitForTotalArAsync(string customer, decimal expected, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var kpis = await (await client.GetAsync("/api/kpis?groupBy=customer")).JsonAsync();
            var group = kpis.GetProperty("groups").EnumerateArray().FirstOrDefault(g => g.GetProperty("key").GetString() == customer);
            if (group.ValueKind == JsonValueKind.Object && group.GetProperty("values").GetProperty("totalAr").GetDecimal() == expected)
            {
                return clock.Elapsed;
            }

            Assert.True(clock.Elapsed < timeout, $"{customer}'s total AR did not become {expected} within {timeout}.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_delta_ingested_through_the_webhook_shows_in_the_kpis_within_5_seconds()
    {
        var customer = NewCustomer();
        await client.GetAsync("/api/kpis"); // the first load has happened

        await SeedAsync(customer);
        var invoiceSeen = await WaitForTotalArAsync(customer, 1_000m, TimeSpan.FromSeconds(10));

        var payment = Events.Single(EventTypes.Payment, Events.Payment(customer + "-P1", customer, 1_000m, (customer + "-I1", 1_000m)));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(payment)).StatusCode);
        var paymentSeen = await WaitForTotalArAsync(customer, 0m, TimeSpan.FromSeconds(10));

        Assert.True(invoiceSeen < TimeSpan.FromSeconds(5), $"invoice took {invoiceSeen}");
        Assert.True(paymentSeen < TimeSpan.FromSeconds(5), $"payment took {paymentSeen}");
    }

    [Fact]
    public async Task Kpis_come_with_their_formulas_and_as_of_a_past_date_show_only_what_was_known_then()
    {
        var customer = NewCustomer();
        await SeedAsync(customer, 2_500m);
        await WaitForTotalArAsync(customer, 2_500m, TimeSpan.FromSeconds(10));

        var now = await (await client.GetAsync("/api/kpis?groupBy=segment")).JsonAsync();
        var before = await (await client.GetAsync("/api/kpis?groupBy=customer&asOf=2026-11-30&period=2026-11")).JsonAsync();

        Assert.Equal("segment", now.GetProperty("groupBy").GetString());
        Assert.Contains("subtract each month's credit sales", now.GetProperty("formulas").GetProperty("dsoCountback").GetString(), StringComparison.Ordinal);
        var midMarket = now.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == "MidMarket").GetProperty("values");
        Assert.True(midMarket.GetProperty("totalAr").GetDecimal() >= 2_500m);
        Assert.Equal(4, midMarket.GetProperty("dunning").GetArrayLength());

        // The invoice is dated 1 October but was only sent to CollectionsFx now: on 30 November nobody knew it.
        Assert.Equal("2026-11-30", before.GetProperty("asOf").GetString());
        Assert.DoesNotContain(before.GetProperty("groups").EnumerateArray(), g => g.GetProperty("key").GetString() == customer);
    }

    [Theory]
    [InlineData("/api/kpis?groupBy=planet", "groupBy")]
    [InlineData("/api/kpis?asOf=2026-13-01", "asOf")]
    [InlineData("/api/kpis?period=March", "period")]
    [InlineData("/api/kpis?asOf=2026-03-31&period=2026-04", "period")]
    [InlineData("/api/kpis/trend?months=0", "months")]
    [InlineData("/api/gaps?kind=lateness", "kind")]
    [InlineData("/api/targets?kpi=happiness", "kpi")]
    [InlineData("/api/targets/suggestions?groupBy=moon", "groupBy")]
    [InlineData("/api/mining/dfg?view=heatmap", "view")]
    [InlineData("/api/mining/variants?with=Bake%20Cake", "with")]
    [InlineData("/api/mining/variants?from=yesterday", "from")]
    [InlineData("/api/mining/variants?variant=-1", "variant")]
    [InlineData("/api/eventlog/export?format=csv", "format")]
    public async Task Bad_query_parameters_get_a_400_naming_the_parameter(string url, string parameter) =>
        await (await client.GetAsync(url)).AssertProblemAsync(400, parameter);

    [Fact]
    public async Task Targets_are_stored_with_who_set_them_and_shown_beside_the_kpis()
    {
        var customer = NewCustomer();
        await SeedAsync(customer);
        await WaitForTotalArAsync(customer, 1_000m, TimeSpan.FromSeconds(10));

        var put = await client.PutAsJsonAsync("/api/targets/percentCurrent", new { scope = "customer", key = customer, value = 80, setBy = "u.cfo", note = "Q4" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var list = await (await client.GetAsync("/api/targets?kpi=percentCurrent")).JsonAsync();
        var stored = list.EnumerateArray().Single(t => t.GetProperty("key").GetString() == customer);
        Assert.Equal(("u.cfo", 80m), (stored.GetProperty("setBy").GetString(), stored.GetProperty("value").GetDecimal()));

        var kpis = await (await client.GetAsync("/api/kpis?groupBy=customer")).JsonAsync();
        var target = kpis.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == customer).GetProperty("targets").GetProperty("percentCurrent");
        Assert.Equal("u.cfo", target.GetProperty("setBy").GetString());
        Assert.False(target.GetProperty("met").GetBoolean()); // the invoice is overdue: 0% current
    }

    [Theory]
    [InlineData("""{"scope":"customer","key":"C1","value":"high","setBy":"u"}""", 422, "value")]
    [InlineData("""{"scope":"galaxy","key":"C1","value":1,"setBy":"u"}""", 422, "scope")]
    [InlineData("""{"scope":"customer","value":1,"setBy":"u"}""", 422, "key")]
    [InlineData("""{"scope":"customer","key":"C1","value":1}""", 422, "setBy")]
    [InlineData("""{"scope":""", 400, "body")]
    public async Task Bad_targets_are_refused_naming_the_field(string body, int status, string field)
    {
        var response = await client.PutAsync("/api/targets/dsoCountback", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(status, field);
    }

    [Fact]
    public async Task Suggestions_explain_themselves()
    {
        var customer = NewCustomer();
        await SeedAsync(customer);
        await WaitForTotalArAsync(customer, 1_000m, TimeSpan.FromSeconds(10));

        var body = await (await client.GetAsync("/api/targets/suggestions?kpi=dsoCountback&groupBy=customer&months=3")).JsonAsync();

        var mine = body.GetProperty("suggestions").EnumerateArray().Single(s => s.GetProperty("group").GetString() == customer);
        Assert.Contains(customer + ": dsoCountback", mine.GetProperty("explanation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_overdue_invoice_nobody_followed_up_is_an_execution_gap()
    {
        var customer = NewCustomer();
        await SeedAsync(customer, 777m);
        await WaitForTotalArAsync(customer, 777m, TimeSpan.FromSeconds(10));

        var body = await (await client.GetAsync("/api/gaps?kind=overdueNoContact&limit=10000")).JsonAsync();

        var gap = body.GetProperty("gaps").EnumerateArray().Single(g => g.GetProperty("customerId").GetString() == customer);
        Assert.Equal([customer + "-I1"], gap.GetProperty("invoiceIds").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(777m, gap.GetProperty("moneyAtStake").GetDecimal());
        Assert.Equal("overdueNoContact", body.GetProperty("summary")[0].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Mining_endpoints_filter_by_customer_and_give_variants_map_and_stats()
    {
        var customer = NewCustomer();
        await SeedAsync(customer);
        var payment = Events.Single(EventTypes.Payment, Events.Payment(customer + "-P1", customer, 400m, (customer + "-I1", 400m)));
        await PostAsync(payment);
        await WaitForTotalArAsync(customer, 600m, TimeSpan.FromSeconds(10));

        var variants = await (await client.GetAsync($"/api/mining/variants?customerId={customer}")).JsonAsync();
        var dfg = await (await client.GetAsync($"/api/mining/dfg?customerId={customer}&view=performance")).JsonAsync();
        var stats = await (await client.GetAsync($"/api/mining/stats?customerId={customer}")).JsonAsync();

        Assert.Equal(1, variants.GetProperty("cases").GetInt32());
        Assert.Equal(["Create Invoice", "Receive Partial Payment"], variants.GetProperty("variants")[0].GetProperty("activities").EnumerateArray().Select(a => a.GetString()));
        var edge = dfg.GetProperty("edges").EnumerateArray().Single();
        Assert.Equal(("Create Invoice", "Receive Partial Payment", 1), (edge.GetProperty("from").GetString(), edge.GetProperty("to").GetString(), edge.GetProperty("frequency").GetInt32()));
        Assert.True(edge.GetProperty("medianWait").GetDouble() >= 0);
        Assert.Equal(2, stats.GetProperty("events").GetInt32());
    }

    [Theory]
    [InlineData("xes", false)]
    [InlineData("xes", true)]
    [InlineData("ocel", false)]
    [InlineData("ocel", true)]
    public async Task The_event_log_exports_as_xes_and_ocel_and_reads_back(string format, bool gzip)
    {
        var customer = NewCustomer();
        await SeedAsync(customer);
        await WaitForTotalArAsync(customer, 1_000m, TimeSpan.FromSeconds(10));

        var response = await client.GetAsync($"/api/eventlog/export?format={format}&gzip={gzip}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Stream stream = new MemoryStream(bytes);
        if (gzip)
        {
            stream = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
        }

        var log = (format == "xes" ? Xes.Read(stream) : Ocel.Read(stream, "invoice")).Build();
        var index = log.CaseIds.ToList().IndexOf(customer + "-I1");
        Assert.True(index >= 0);
        Assert.Equal(["Create Invoice"], log.EventsOf(index).Select(e => e.Activity));
    }

    [Fact]
    public async Task A_missing_exchange_rate_is_a_422_naming_currency_and_date_until_rates_are_imported()
    {
        var (app, isolated) = await stack.StartIsolatedHostAsync();
        await using (app)
        {
            using (isolated)
            {
                var invoice = Events.Invoice("USD-1", "US-1", 1_000m);
                invoice["currency"] = "USD";
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(isolated, Events.Single(EventTypes.Invoice, invoice))).StatusCode);

                var problem = await WaitForStatusAsync(isolated, "/api/kpis", 422);
                var json = await problem.AssertProblemAsync(422, "rates");
                Assert.Equal(("USD", "2026-10-01"), (json.GetProperty("currency").GetString(), json.GetProperty("date").GetString()));

                var bad = await isolated.PutAsync("/api/rates", new StringContent("date,currency,rate\n2026-10-01,USD,zero\n"));
                await bad.AssertProblemAsync(422, "body");

                var put = await isolated.PutAsync("/api/rates", new StringContent("date,currency,rate\n2026-10-01,USD,0.9\n"));
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
                var kpis = await (await isolated.GetAsync("/api/kpis")).JsonAsync();
                Assert.Equal(900m, kpis.GetProperty("groups")[0].GetProperty("values").GetProperty("totalAr").GetDecimal());
            }
        }
    }

    private static async Task<HttpResponseMessage> WaitForStatusAsync(HttpClient client, string url, int status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await client.GetAsync(url);
            if ((int)response.StatusCode == status || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return response;
            }

            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task The_openapi_document_lists_exactly_the_routes_of_both_faces()
    {
        var doc = await (await client.GetAsync("/api/openapi.json")).JsonAsync();

        var documented = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name.TrimStart('/')).Order(StringComparer.Ordinal).ToList();
        var routes = typeof(CollectionsFx.Api.Routes).GetFields().Where(f => f.Name != nameof(CollectionsFx.Api.Routes.Prefix))
            .Select(f => (string)f.GetValue(null)!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(routes, documented);
        var operations = doc.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => m.Value.GetProperty("operationId").GetString())).Order(StringComparer.Ordinal);
        var endpoints = stack.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>()?.EndpointName).OfType<string>().Order(StringComparer.Ordinal);
        Assert.Equal(endpoints, operations);
    }
}
