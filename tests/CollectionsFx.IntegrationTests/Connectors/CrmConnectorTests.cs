using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CollectionsFx.Domain.Webhooks;
using CollectionsFx.Storage.Connectors;
using CollectionsFx.Storage.Connectors.Crm;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CollectionsFx.IntegrationTests.Connectors;

/// <summary>
/// The CRM connectors against WireMock.Net answering like Dataverse and Salesforce do (CONNECTORS.md §2-§3): upserts by
/// CollectionsFx's key, token renewal on 401, Retry-After on 429, retries on 5xx and timeouts, the CRM's own error surfaced.
/// </summary>
public sealed class CrmConnectorTests : IDisposable
{
    private const string DataversePath = "/api/data/v9.2";
    private const string CasePath = DataversePath + "/incidents(cfx_externalid='promise-P1-broken')";
    private readonly WireMockServer crm = WireMockServer.Start();

    public void Dispose() => crm.Stop();

    private ICrmConnector Connector(string kind, string? baseUrl = null, string attemptTimeout = "00:00:05", int maxRetries = 3, int breakerThroughput = 10)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Connectors:Crm:Kind"] = kind,
            ["Connectors:Crm:BaseUrl"] = baseUrl ?? (kind == "salesforce" ? null : crm.Url + (kind == "dataverse" ? DataversePath + "/" : "/hooks/crm")),
            ["Connectors:Crm:TokenUrl"] = crm.Url + "/oauth2/token",
            ["Connectors:Crm:ClientId"] = "cfx-app",
            ["Connectors:Crm:ClientSecret"] = "s3cret",
            ["Connectors:Crm:Scope"] = kind == "dataverse" ? "https://contoso.crm4.dynamics.com/.default" : null,
            ["Connectors:Crm:WebhookSecret"] = "hook-secret",
            ["Connectors:Crm:RetryDelay"] = "00:00:00.020",
            ["Connectors:Crm:MaxRetries"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Connectors:Crm:AttemptTimeout"] = attemptTimeout,
            ["Connectors:Crm:BreakerMinimumThroughput"] = breakerThroughput.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Connectors:Crm:BreakDuration"] = "00:00:01",
        }).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging().AddSingleton(TimeProvider.System).AddCrm()
            .BuildServiceProvider().GetRequiredService<ICrmConnector>();
    }

    private static readonly CrmCase Broken = new("promise-P1-broken", "C001", "Promise P1 broken", "Promised 1,200.00 EUR by 2026-11-20; nothing paid.", CrmPriority.High);

    private void EntraTokens(params string[] tokens)
    {
        if (tokens.Length == 1)
        {
            // One token for every call: a token request retried after a slow first answer must get it too.
            crm.Given(Request.Create().WithPath("/oauth2/token").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"{{tokens[0]}}"}"""));
            return;
        }

        for (var i = 0; i < tokens.Length; i++)
        {
            var token = crm.Given(Request.Create().WithPath("/oauth2/token").UsingPost()).InScenario("token");
            (i == 0 ? token : token.WhenStateIs("t" + i)).WillSetStateTo("t" + (i + 1))
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody($$"""{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"{{tokens[i]}}"}"""));
        }
    }

    private void Answers(string path, string method, params (int Status, string Body, string? RetryAfter, int DelayMs)[] answers)
    {
        for (var i = 0; i < answers.Length; i++)
        {
            var (status, body, retryAfter, delay) = answers[i];
            var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
            if (retryAfter is not null)
            {
                response = response.WithHeader("Retry-After", retryAfter);
            }

            if (delay > 0)
            {
                response = response.WithDelay(delay);
            }

            var request = crm.Given(Request.Create().WithPath(path).UsingMethod(method)).InScenario("answers");
            (i == 0 ? request : request.WhenStateIs("a" + i)).WillSetStateTo("a" + (i + 1)).RespondWith(response);
        }
    }

    private const string Created = """{"@odata.etag":"W/\"1\"","incidentid":"7c1f4a62-7b2e-ef11-840a-000d3a4a1b2c"}""";

    [Fact]
    public async Task Dataverse_upserts_the_case_on_its_alternate_key_bound_to_the_account()
    {
        EntraTokens("t1");
        Answers(CasePath, "PATCH", (201, Created, null, 0), (200, Created, null, 0));
        var dataverse = Connector("dataverse");

        var first = await dataverse.UpsertCaseAsync(Broken);
        var again = await dataverse.UpsertCaseAsync(Broken);

        Assert.Equal(new CrmResult("dataverse", "7c1f4a62-7b2e-ef11-840a-000d3a4a1b2c", true), first);
        Assert.False(again.Created);
        var patch = crm.LogEntries.First(e => e.RequestMessage.Method == "PATCH").RequestMessage;
        Assert.Equal("Bearer t1", patch.Headers!["Authorization"].Single());
        Assert.Equal("4.0", patch.Headers["OData-Version"].Single());
        Assert.Equal("return=representation", patch.Headers["Prefer"].Single());
        var body = JsonNode.Parse(patch.Body!)!;
        Assert.Equal("/accounts(accountnumber='C001')", body["customerid_account@odata.bind"]!.GetValue<string>());
        Assert.Equal(1, body["prioritycode"]!.GetValue<int>());
        Assert.Null(body["cfx_externalid"]); // the key column stays out of the body
        var token = crm.LogEntries.Single(e => e.RequestMessage.Path == "/oauth2/token").RequestMessage.Body!;
        Assert.Contains("grant_type=client_credentials", token, StringComparison.Ordinal);
        Assert.Contains("scope=https%3A%2F%2Fcontoso.crm4.dynamics.com%2F.default", token, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_token_is_renewed_once_and_the_request_sent_again()
    {
        EntraTokens("expired", "fresh");
        crm.Given(Request.Create().WithPath(CasePath).UsingPatch().WithHeader("Authorization", "Bearer expired"))
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"error":{"code":"","message":"The access token has expired"}}"""));
        crm.Given(Request.Create().WithPath(CasePath).UsingPatch().WithHeader("Authorization", "Bearer fresh"))
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(Created));

        var result = await Connector("dataverse").UpsertCaseAsync(Broken);

        Assert.True(result.Created);
        Assert.Equal(2, crm.LogEntries.Count(e => e.RequestMessage.Path == "/oauth2/token"));
    }

    [Fact]
    public async Task Throttling_waits_as_long_as_Retry_After_says()
    {
        EntraTokens("t1");
        Answers(CasePath, "PATCH",
            (429, """{"error":{"code":"0x80072322","message":"Number of requests exceeded the limit of 6000 over time window of 300 seconds."}}""", "1", 0),
            (201, Created, null, 0));
        var clock = Stopwatch.StartNew();

        var result = await Connector("dataverse").UpsertCaseAsync(Broken);

        Assert.True(result.Created);
        // Without the header the retry would come after the configured 20 ms.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Server_errors_and_timeouts_are_retried_and_nothing_is_doubled()
    {
        EntraTokens("t1");
        // WireMock moves its scenario on once the slow answer is out, so attempts made meanwhile meet the slow answer too.
        Answers(CasePath, "PATCH", (503, "", null, 0), (200, Created, null, 1200), (201, Created, null, 0));

        var result = await Connector("dataverse", attemptTimeout: "00:00:00.400", maxRetries: 8).UpsertCaseAsync(Broken);

        // The slow answers were abandoned; every attempt carried the same key, so the CRM holds one case whatever it kept.
        Assert.True(result.Created);
        Assert.True(crm.LogEntries.Count(e => e.RequestMessage.Method == "PATCH") >= 3);
        Assert.Single(crm.LogEntries.Where(e => e.RequestMessage.Method == "PATCH").Select(e => e.RequestMessage.Path).Distinct());
    }

    [Fact]
    public async Task A_crm_that_keeps_failing_is_left_alone_for_the_break_and_taken_again_when_it_is_back()
    {
        EntraTokens("t1");
        crm.Given(Request.Create().WithPath(CasePath).UsingPatch()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("""{"error":{"code":"0x80040216","message":"An unexpected error occurred."}}"""));
        var connector = Connector("dataverse", maxRetries: 3, breakerThroughput: 4);
        int Patches() => crm.LogEntries.Count(e => e.RequestMessage.Method == "PATCH");

        // A call and its retries: with the token request, four attempts of which three failed open the circuit, so the last
        // retry is refused before it reaches the CRM.
        var first = await Assert.ThrowsAsync<CrmException>(() => connector.UpsertCaseAsync(Broken));
        Assert.Equal((503, "circuit-open"), (first.Status, first.Code));
        var tried = Patches();
        Assert.Equal(3, tried);

        // Open: the next call fails at once, saying why, without reaching the CRM.
        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<CrmException>(() => connector.UpsertCaseAsync(Broken));
        Assert.Contains("calls pause for 1 s", refused.Message, StringComparison.Ordinal);
        Assert.Equal(tried, Patches());
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(900), $"an open circuit took {clock.ElapsedMilliseconds} ms to refuse");

        // The CRM is back; after the break a trial call goes through, and the case is upserted once under its key.
        crm.Given(Request.Create().WithPath(CasePath).UsingPatch()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(Created));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var result = await connector.UpsertCaseAsync(Broken);
        Assert.True(result.Created);
        Assert.Equal(tried + 1, Patches());
    }

    [Fact]
    public async Task A_refusal_names_the_crms_own_error()
    {
        EntraTokens("t1");
        Answers(CasePath, "PATCH", (400, """{"error":{"code":"0x80040217","message":"account With Ids = accountnumber:C001 Does Not Exist"}}""", null, 0));

        var error = await Assert.ThrowsAsync<CrmException>(() => Connector("dataverse").UpsertCaseAsync(Broken));

        Assert.Equal((400, "0x80040217"), (error.Status, error.Code));
        Assert.Contains("Does Not Exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Salesforce_upserts_case_and_task_on_the_external_id_at_the_tokens_instance()
    {
        crm.Given(Request.Create().WithPath("/oauth2/token").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody($$"""{"access_token":"00Dxx!sf","instance_url":"{{crm.Url}}","id":"https://login.salesforce.com/id/00Dxx/005xx","token_type":"Bearer","issued_at":"1733300000000","signature":"x"}"""));
        const string sobjects = "/services/data/v62.0/sobjects/";
        Answers(sobjects + "Case/CollectionsFx_Key__c/promise-P1-broken", "PATCH",
            (201, """{"id":"500xx000003DgZ2AAK","success":true,"errors":[],"created":true}""", null, 0),
            (200, """{"id":"500xx000003DgZ2AAK","success":true,"errors":[],"created":false}""", null, 0));
        crm.Given(Request.Create().WithPath(sobjects + "Task/CollectionsFx_Key__c/broken-pattern-C001").UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""[{"message":"No such column 'CollectionsFx_Key__c' on sobject of type Task","errorCode":"INVALID_FIELD","fields":[]}]"""));
        var salesforce = Connector("salesforce");

        var created = await salesforce.UpsertCaseAsync(Broken);
        var updated = await salesforce.UpsertCaseAsync(Broken);
        var error = await Assert.ThrowsAsync<CrmException>(() => salesforce.UpsertTaskAsync(
            new CrmTask("broken-pattern-C001", "C001", "Call C001", "Two broken promises in 90 days", new DateOnly(2026, 12, 7), CrmPriority.High, "anna")));

        Assert.Equal(new CrmResult("salesforce", "500xx000003DgZ2AAK", true), created);
        Assert.False(updated.Created);
        Assert.Equal("INVALID_FIELD", error.Code);
        var body = JsonNode.Parse(crm.LogEntries.First(e => e.RequestMessage.Method == "PATCH").RequestMessage.Body!)!;
        Assert.Equal("C001", body["Account"]!["CollectionsFx_Customer__c"]!.GetValue<string>());
        Assert.Equal("High", body["Priority"]!.GetValue<string>());
        Assert.Equal("Bearer 00Dxx!sf", crm.LogEntries.First(e => e.RequestMessage.Method == "PATCH").RequestMessage.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task The_webhook_is_signed_and_carries_the_idempotency_key()
    {
        crm.Given(Request.Create().WithPath("/hooks/crm").UsingPost()).RespondWith(Response.Create().WithStatusCode(202));

        await Connector("webhook").UpsertCaseAsync(Broken);

        var request = crm.LogEntries.Single().RequestMessage;
        var raw = Encoding.UTF8.GetBytes(request.Body!);
        Assert.Null(WebhookSignature.Verify(request.Headers![WebhookSignature.Header].Single(), "hook-secret", raw, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.NotNull(WebhookSignature.Verify(request.Headers[WebhookSignature.Header].Single(), "other-secret", raw, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.Equal("promise-P1-broken", request.Headers["Idempotency-Key"].Single());
        Assert.Equal("crm.case.upsert", JsonNode.Parse(request.Body!)!["type"]!.GetValue<string>());
    }
}
