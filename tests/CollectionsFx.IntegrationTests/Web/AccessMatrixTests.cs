using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CollectionsFx.Contracts;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Web;

/// <summary>
/// Who may do what, over HTTP against `cfx serve` with demo data, as the platform's principal header says: every role reads;
/// only managers and finance leads set targets; only managers change automation and assign customers; a collector reads and acts
/// only on their own portfolio.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessMatrixTests(BrowserStack stack)
{
    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string user, string? role, object? body = null)
    {
        var request = role is null ? new HttpRequestMessage(method, url) : Principal.Request(method, url, user, role);

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return stack.Client.SendAsync(request);
    }

    public static TheoryData<string, string, HttpStatusCode> Writes => new()
    {
        { "target", "cfo", HttpStatusCode.Forbidden },
        { "target", "finance-lead", HttpStatusCode.OK },
        { "target", "manager", HttpStatusCode.OK },
        { "target", "collector", HttpStatusCode.Forbidden },
        { "automation", "cfo", HttpStatusCode.Forbidden },
        { "automation", "finance-lead", HttpStatusCode.Forbidden },
        { "automation", "manager", HttpStatusCode.OK },
        { "automation", "collector", HttpStatusCode.Forbidden },
        { "assign", "cfo", HttpStatusCode.Forbidden },
        { "assign", "finance-lead", HttpStatusCode.Forbidden },
        { "assign", "manager", HttpStatusCode.OK },
        { "assign", "collector", HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Only_the_roles_entitled_change_targets_automation_and_assignments(string what, string role, HttpStatusCode expected)
    {
        var worklist = (await stack.Client.GetFromJsonAsync<WorklistPage>("/api/worklist?limit=5000", ApiJsonOptions.Value))!;
        var customer = worklist.Items[0].Customer;
        var automation = (await stack.Client.GetFromJsonAsync<AutomationSettings>("/api/automation", ApiJsonOptions.Value))!;
        // Each write leaves the data as it was (same collector, same automation), so other tests see the same company.
        var response = what switch
        {
            "target" => await SendAsync(HttpMethod.Put, "/api/targets/averageDaysLate", "u-" + role, role, new { scope = "collector", key = customer.Collector, value = 10 }),
            "automation" => await SendAsync(HttpMethod.Put, "/api/automation", "u-" + role, role, new { touchless = automation.Touchless.Select(a => JsonNamingPolicy.CamelCase.ConvertName(a.ToString())) }),
            _ => await SendAsync(HttpMethod.Post, "/api/customers/assign", "u-" + role, role, new { customerIds = new[] { customer.CustomerId }, collector = customer.Collector }),
        };
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("role", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task A_collector_reads_only_their_own_customers_while_broader_roles_read_any()
    {
        var worklist = (await stack.Client.GetFromJsonAsync<WorklistPage>("/api/worklist?limit=5000", ApiJsonOptions.Value))!;
        var mine = worklist.Items[0].Customer;
        var other = worklist.Items.First(e => e.Customer.Collector != mine.Collector).Customer;

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/api/customers/{mine.CustomerId}", mine.Collector, "collector")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, $"/api/customers/{other.CustomerId}", mine.Collector, "collector")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, $"/api/worklist?collector={other.Collector}", mine.Collector, "collector")).StatusCode);
        foreach (var role in new[] { "cfo", "finance-lead", "manager" })
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/api/customers/{other.CustomerId}", "u-" + role, role)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/customers/NOBODY", "u", "manager")).StatusCode);

        // Nor other portfolios through the KPIs by customer, the execution gaps or the task lists.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/api/kpis?groupBy=customer", mine.Collector, "collector")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/kpis?groupBy=customer", "u", "manager")).StatusCode);
        var gaps = (await (await SendAsync(HttpMethod.Get, "/api/gaps?limit=500", mine.Collector, "collector")).Content.ReadFromJsonAsync<GapsResponse>(ApiJsonOptions.Value))!;
        Assert.All(gaps.Gaps, g => Assert.Equal(mine.Collector, g.Collector));
        var allGaps = (await (await SendAsync(HttpMethod.Get, "/api/gaps?limit=500", "u", "manager")).Content.ReadFromJsonAsync<GapsResponse>(ApiJsonOptions.Value))!;
        Assert.Contains(allGaps.Gaps, g => g.Collector != mine.Collector);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, $"/api/tasks?assignee={other.Collector}", mine.Collector, "collector")).StatusCode);
    }

    [Fact]
    public async Task The_api_tells_the_web_app_who_signed_in_and_offers_the_demo_users_only_on_the_local_host()
    {
        var me = (await (await SendAsync(HttpMethod.Get, "/api/me", "felix", "finance-lead")).Content.ReadFromJsonAsync<SignedInUser>(ApiJsonOptions.Value))!;
        Assert.Equal("felix", me.Name);
        Assert.Equal(["finance-lead"], me.Roles); // the platform's own roles (anonymous, authenticated) are not CollectionsFx roles
        Assert.Equal("development", me.SignIn);
        Assert.Equal(Roles.All.OrderBy(r => r), me.Users.SelectMany(u => u.Roles).Distinct().OrderBy(r => r));
    }
}
