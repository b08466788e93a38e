using System.Net;
using System.Reflection;
using System.Text.Json;
using CollectionsFx.Api;
using CollectionsFx.Api.Http;
using CollectionsFx.Contracts;
using CollectionsFx.IntegrationTests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Hosting;

/// <summary>
/// Every route has an access rule and both hosts enforce it before the handler: a route added without a rule fails here, and
/// every role a rule leaves out gets 403 from the local host (the Functions app runs the same table in its middleware).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class RouteAccessTests(StackFixture stack)
{
    private static readonly string[] Callers = [.. Roles.All, "auditor"];

    private IEnumerable<RouteEndpoint> ApiEndpoints() =>
        stack.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal));

    [Fact]
    public void Every_route_of_Routes_and_every_endpoint_of_the_host_has_exactly_its_rule()
    {
        var declared = typeof(Routes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(Routes.Prefix)).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        var ruled = RouteAccess.Rules.Values.Select(r => r.Route).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(declared.Except(ruled));
        Assert.Empty(ruled.Except(declared));

        var endpoints = ApiEndpoints().SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
            (Name: e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "(unnamed)", Method: m, Route: e.RoutePattern.RawText!["/api/".Length..]))).ToList();
        Assert.Equal(RouteAccess.Rules.Count, endpoints.Count);
        Assert.All(endpoints, e =>
        {
            Assert.True(RouteAccess.Rules.TryGetValue(e.Name, out var rule), $"{e.Method} /api/{e.Route} ({e.Name}) has no access rule");
            Assert.Equal((e.Method, e.Route), (rule!.Method, rule.Route));
        });
    }

    /// <summary>The policy itself, for the routes where a wrong rule would hurt: pinned here, not read back from the table.</summary>
    public static TheoryData<string, string[]> Pinned => new()
    {
        { "IngestWebhook", [] },
        { "StartDurableHealthCheck", [] },
        { "SetAutomation", [Roles.Manager] },
        { "AssignCustomers", [Roles.Manager] },
        { "ApproveDunningStep", [Roles.Manager] },
        { "RollbackModel", [Roles.Manager] },
        { "ReplayDeadLetter", [Roles.Manager] },
        { "SetTarget", [Roles.FinanceLead, Roles.Manager] },
        { "DownloadEventLog", [Roles.Cfo, Roles.FinanceLead, Roles.Manager] },
        { "ExecuteNextBestAction", [Roles.Collector, Roles.Manager] },
        { "RecordPromise", [Roles.Collector, Roles.Manager] },
        { "GetCustomer360", [.. Roles.All] },
        { "GetKpis", [.. Roles.All] },
        { "GetMe", [RouteAccess.AnyUser] },
    };

    [Theory]
    [MemberData(nameof(Pinned))]
    public void The_sensitive_routes_allow_exactly_these_roles(string name, string[] roles) =>
        Assert.Equal(roles.Order(StringComparer.Ordinal), RouteAccess.Rules[name].Roles.Order(StringComparer.Ordinal));

    public static TheoryData<string> RuleNames => [.. RouteAccess.Rules.Keys];

    [Theory]
    [MemberData(nameof(RuleNames))]
    public async Task Every_role_a_rule_leaves_out_is_refused_before_the_handler_runs_and_the_others_pass_the_check(string name)
    {
        var rule = RouteAccess.Rules[name];
        var url = "/api/" + rule.Route
            .Replace("{customerId}", "NOBODY", StringComparison.Ordinal).Replace("{source}", "erp", StringComparison.Ordinal)
            .Replace("{kpi}", "dso", StringComparison.Ordinal).Replace("{type}", "invoice", StringComparison.Ordinal)
            .Replace("{promiseId}", "P-NONE", StringComparison.Ordinal).Replace("{disputeId}", "D-NONE", StringComparison.Ordinal)
            .Replace("{id}", "none", StringComparison.Ordinal);
        var access = stack.Services.GetRequiredService<RouteAccess>();
        foreach (var role in Callers)
        {
            if (rule.Roles.Contains(role) || rule.Roles.Contains(RouteAccess.AnyUser))
            {
                // Allowed: the check passes (the handler's own answer is another test's business; some would start real work).
                var context = new DefaultHttpContext();
                using var signed = Principal.Request(new HttpMethod(rule.Method), url, "u-" + role, role);
                foreach (var header in signed.Headers)
                {
                    context.Request.Headers[header.Key] = header.Value.ToArray();
                }

                Assert.Null(await access.CheckAsync(context.Request, name, "NOBODY", CancellationToken.None));
                continue;
            }

            using var request = Principal.Request(new HttpMethod(rule.Method), url, "u-" + role, role);
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            var response = await stack.Client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} on {rule.Method} {url}: {(int)response.StatusCode}");
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("role", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task A_route_without_a_rule_is_refused_to_signed_in_users()
    {
        var access = stack.Services.GetRequiredService<RouteAccess>();
        var context = new DefaultHttpContext();
        using var signed = Principal.Request(HttpMethod.Get, "/api/new", "maria", Roles.Manager);
        foreach (var header in signed.Headers)
        {
            context.Request.Headers[header.Key] = header.Value.ToArray();
        }

        Assert.NotNull(await access.CheckAsync(context.Request, "SomeNewRoute", null, CancellationToken.None));
        Assert.NotNull(await access.CheckAsync(new DefaultHttpContext().Request, "SomeNewRoute", null, CancellationToken.None));
    }
}
