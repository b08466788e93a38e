using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>Dataverse as WireMock plays it: a client-credentials token endpoint and case (incident) upserts.</summary>
internal static class DataverseStub
{
    /// <summary>Answers <c>POST /token</c> with <paramref name="accessToken"/> and every incident upsert with 201.</summary>
    public static void Stub(WireMockServer crm, string accessToken = "tok")
    {
        crm.Given(Request.Create().WithPath("/token").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody($$"""{"token_type":"Bearer","expires_in":3599,"access_token":"{{accessToken}}"}"""));
        crm.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/api/data/v9.2/incidents*")).UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("""{"incidentid":"6f0a1c2e-0000-0000-0000-000000000001"}"""));
    }

    /// <summary>The settings that point the host's CRM connector at <paramref name="crm"/> (environment variable names).</summary>
    public static Dictionary<string, string> Settings(WireMockServer crm, string clientSecret = "secret") => new()
    {
        ["Connectors__Crm__Kind"] = "dataverse",
        ["Connectors__Crm__BaseUrl"] = crm.Url + "/api/data/v9.2/",
        ["Connectors__Crm__TokenUrl"] = crm.Url + "/token",
        ["Connectors__Crm__ClientId"] = "cfx",
        ["Connectors__Crm__ClientSecret"] = clientSecret,
    };
}
