using System.Text.Json.Nodes;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Connectors;
using CollectionsFx.Storage.Connectors.BusinessCentral;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CollectionsFx.IntegrationTests.Connectors;

/// <summary>Credit hold written back to Business Central (CONNECTORS.md §1): read the customer for its etag, PATCH <c>blocked</c> with If-Match.</summary>
public sealed class BusinessCentralCreditHoldTests : IDisposable
{
    private const string Company = "/v2.0/contoso/production/api/v2.0/companies(5d115c9c-44e3-ea11-bb43-000d3a2feca1)";
    private const string Id = "a1b2c3d4-0000-0000-0000-000000000010";
    private readonly WireMockServer bc = WireMockServer.Start();

    public void Dispose() => bc.Stop();

    private BusinessCentralClient Client()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Connectors:BusinessCentral:BaseUrl"] = bc.Url + Company + "/",
            ["Connectors:BusinessCentral:RetryDelay"] = "00:00:00.020",
        }).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging().AddSingleton(TimeProvider.System)
            .AddSingleton(StorageLayout.Create(new StorageOptions { ConnectionString = "UseDevelopmentStorage=true", Prefix = "unused" }))
            .AddConnectors().BuildServiceProvider().GetRequiredService<BusinessCentralClient>();
    }

    private static string Customer(string blocked, string etag) => new JsonObject
    {
        ["@odata.context"] = "https://api.businesscentral.dynamics.com/v2.0/$metadata#companies(5d115c9c)/customers",
        ["value"] = new JsonArray(new JsonObject
        {
            ["@odata.etag"] = etag, ["id"] = Id, ["number"] = "10000", ["displayName"] = "Adatum Corporation", ["blocked"] = blocked,
            ["lastModifiedDateTime"] = "2026-11-30T10:00:00Z",
        }),
    }.ToJsonString();

    [Fact]
    public async Task A_hold_is_patched_with_the_etag_read_and_retried_once_when_the_customer_changed_in_between()
    {
        var read = bc.Given(Request.Create().WithPath(Company + "/customers").UsingGet().WithParam("$filter", "number eq '10000'")).InScenario("bc");
        read.WillSetStateTo("read-1").RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Customer(" ", "W/\"JzE7Jw==\"")));
        bc.Given(Request.Create().WithPath(Company + "/customers").UsingGet()).InScenario("bc").WhenStateIs("patched-stale").WillSetStateTo("read-2")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Customer(" ", "W/\"JzI7Jw==\"")));
        bc.Given(Request.Create().WithPath(Company + $"/customers({Id})").UsingPatch().WithHeader("If-Match", "W/\"JzE7Jw==\"")).InScenario("bc").WhenStateIs("read-1").WillSetStateTo("patched-stale")
            .RespondWith(Response.Create().WithStatusCode(409).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"code":"Request_EntityChanged","message":"Another user has already changed the record."}}"""));
        bc.Given(Request.Create().WithPath(Company + $"/customers({Id})").UsingPatch().WithHeader("If-Match", "W/\"JzI7Jw==\"")).InScenario("bc").WhenStateIs("read-2")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id":"a1b2c3d4-0000-0000-0000-000000000010","number":"10000","blocked":"All"}"""));

        var result = await Client().SetBlockedAsync("10000", "All");

        Assert.Equal(new CreditHoldResult("10000", " ", "All"), result);
        var patches = bc.LogEntries.Where(e => e.RequestMessage.Method == "PATCH").Select(e => e.RequestMessage).ToList();
        Assert.Equal(["W/\"JzE7Jw==\"", "W/\"JzI7Jw==\""], patches.Select(p => p.Headers!["If-Match"].Single()));
        Assert.All(patches, p => Assert.Equal("All", JsonNode.Parse(p.Body!)!["blocked"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_customer_already_on_hold_is_not_written_and_an_unknown_one_is_an_error()
    {
        bc.Given(Request.Create().WithPath(Company + "/customers").UsingGet().WithParam("$filter", "number eq '10000'"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Customer("All", "W/\"JzE7Jw==\"")));
        bc.Given(Request.Create().WithPath(Company + "/customers").UsingGet().WithParam("$filter", "number eq '99999'"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"value":[]}"""));

        Assert.Equal(new CreditHoldResult("10000", "All", "All"), await Client().SetBlockedAsync("10000", "All"));
        Assert.DoesNotContain(bc.LogEntries, e => e.RequestMessage.Method == "PATCH");
        await Assert.ThrowsAsync<InvalidOperationException>(() => Client().SetBlockedAsync("99999", "All"));
    }
}
