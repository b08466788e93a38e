using System.Net;
using System.Text;
using System.Text.Json;
using Bunit;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Actions;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Web.Components;
using CollectionsFx.Web.Pages;
using CollectionsFx.Web.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace CollectionsFx.Web.Tests;

/// <summary>Components rendered by bUnit against an API answered from memory (the browser tests use the real one).</summary>
public sealed class ComponentTests : BunitContext
{
    private readonly Dictionary<string, (HttpStatusCode Status, object Body)> answers = [];

    public ComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddFluentUIComponents();
        Services.AddSingleton<UserSession>();
        Services.AddSingleton(new HttpClient(new Answers(answers)) { BaseAddress = new Uri("http://localhost/") });
        Services.AddSingleton<CfxApi>();
    }

    private sealed class Answers(Dictionary<string, (HttpStatusCode Status, object Body)> answers) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var key = request.RequestUri!.PathAndQuery;
            var (status, body) = answers.TryGetValue(key, out var a) ? a : (HttpStatusCode.NotFound, new { title = "No such route", detail = key });
            return Task.FromResult(new HttpResponseMessage(status)
            {
                Content = new StringContent(JsonSerializer.Serialize(body, ApiJsonOptions.Value), Encoding.UTF8, "application/json"),
            });
        }
    }

    private void AnswerExperiment(double? daysToDecision)
    {
        var design = new Domain.Experiments.ExperimentDesign(
            "firm", "Firm reminders", "champion", [new("champion", "mid-market", 0.5), new("firm", "high-risk", 0.5)],
            new Domain.Experiments.Eligibility([Domain.Ledger.Segment.Smb]), new Domain.Experiments.Guardrail());
        var entry = new ExperimentEntry(design, ExperimentState.Running, StartedOn: new DateOnly(2026, 9, 1), StoppedArms: null);
        answers["/api/experiments"] = (HttpStatusCode.OK, new ExperimentList([entry], [new("mid-market", "Mid", [Domain.Ledger.Segment.Smb], ["low"])]));
        var result = new Domain.Experiments.ExperimentResult(
            "firm", new DateOnly(2026, 9, 1), new DateOnly(2026, 12, 4), new Dictionary<string, int> { ["champion"] = 120, ["firm"] = 118 },
            [
                new("daysLate", "firm", 7.0, 2.0, -5.0, -8.1, -1.9, 0.95, 120, 118, true, "firm collects 5.0 days faster, 95% CI 1.9–8.1; enough evidence"),
                new("promiseKeptRate", "firm", double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0.95, 1, 0, false, "firm: too few customers to compare yet"),
            ],
            new Dictionary<string, string>(), 300, daysToDecision,
            [new(new DateOnly(2026, 9, 8), "champion", 1.5, 20), new(new DateOnly(2026, 9, 8), "firm", null, 0)]);
        answers["/api/experiments/firm"] = (HttpStatusCode.OK, new ExperimentDetail(entry, 238, result));
    }

    [Theory]
    // days to a decision, warned that an early verdict may not hold
    [InlineData(40.0, true)]
    [InlineData(0.0, false)]
    public void A_manager_sees_the_running_experiments_verdicts_in_their_units_and_its_actions(double daysToDecision, bool warned)
    {
        AnswerExperiment(daysToDecision);
        Services.GetRequiredService<UserSession>().SetMe(new SignedInUser("maria", [Roles.Manager], "development", []));

        var cut = Render<ExperimentsPanel>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=experiment-effects] tbody tr").Count));
        var days = cut.Find("tr[data-metric=daysLate]").TextContent;
        Assert.Contains("Days late (amount-weighted)", days, StringComparison.Ordinal);
        Assert.Contains("-5.0 d (-8.1 d to -1.9 d)", days, StringComparison.Ordinal);
        Assert.Contains("✔ firm collects 5.0 days faster", days, StringComparison.Ordinal);
        Assert.Contains("– (– to –)", cut.Find("tr[data-metric=promiseKeptRate]").TextContent, StringComparison.Ordinal);
        Assert.Contains("customers: champion 120, firm 118", cut.Find("[data-testid=experiment-state]").TextContent, StringComparison.Ordinal);
        Assert.Equal(warned, cut.Find("[data-testid=experiment-duration]").TextContent.Contains("may not hold", StringComparison.Ordinal));
        Assert.NotNull(cut.Find("#experiment-stop"));
        Assert.NotNull(cut.Find("#experiment-promote-firm"));
        Assert.NotNull(cut.Find("[data-testid=experiment-form]"));
    }

    [Fact]
    public void A_cfo_reads_the_experiment_without_the_managers_actions()
    {
        AnswerExperiment(40.0);
        Services.GetRequiredService<UserSession>().SetMe(new SignedInUser("carla", [Roles.Cfo], "development", []));

        var cut = Render<ExperimentsPanel>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=experiment-effects] tbody tr").Count));
        Assert.Empty(cut.FindAll("#experiment-stop"));
        Assert.Empty(cut.FindAll("[data-testid=experiment-form]"));
    }

    [Fact]
    public void A_kpi_tile_shows_value_change_target_and_formula_and_links_to_its_detail()
    {
        var oct = Fixtures.Values(dso: 50m, asOf: new DateOnly(2026, 10, 31));
        var nov = Fixtures.Values(dso: 47.3m);
        var targets = new Dictionary<string, TargetStatus> { ["dsoCountback"] = new(48m, "felix", DateTimeOffset.UnixEpoch, null, true) };
        var tile = KpiTile.Build([KpiSpec.ByName["dsoCountback"]], Fixtures.Kpis(nov, targets), Fixtures.Trend(("2026-10", oct), ("2026-11", nov))).Single();

        var cut = Render<KpiTileView>(p => p.Add(t => t.Tile, tile).Add(t => t.Currency, "EUR"));

        Assert.Equal("47.3 days", cut.Find("[data-testid=tile-dsoCountback-value]").TextContent);
        Assert.Contains("▼ 2.7 days vs Oct 2026", cut.Find(".good").TextContent, StringComparison.Ordinal);
        Assert.Contains("target 48.0 days · met", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("kpis/dsoCountback", cut.Find("a.tile").GetAttribute("href"));
        var described = cut.Find("a.tile").GetAttribute("aria-describedby")!;
        Assert.Contains(KpiFormulas.All["dsoCountback"], cut.Find("#" + described).TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(403, "Forbidden", "a collector sees only their own customers", "warning")]
    [InlineData(0, "The API cannot be reached", "connection refused", "error")]
    public void A_problem_is_explained_in_words_as_a_warning_when_the_user_can_act_on_it(int status, string title, string detail, string intent)
    {
        var cut = Render<Problem>(p => p.Add(x => x.Value, new ApiProblem(status, title, detail)));
        var text = cut.Find("[data-testid=problem]").TextContent.Trim();
        Assert.StartsWith(intent, text, StringComparison.Ordinal); // the message bar's icon names its intent for screen readers
        Assert.EndsWith($"{title}: {detail}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_worklist_lists_customers_in_the_apis_order_with_their_next_best_action()
    {
        WorklistEntry Entry(string id, decimal stake) => new(
            new CustomerSituation(id, "Name " + id, "bob", "Smb", "medium", 0.65, 100, 100, 100, stake, 30, 0, 0, 0, null, 0, 40, true, false),
            new Proposal(CollectionAction.Call, 11.5m, 100, 0.12, 15, false, "no contact for 40 days"), []);
        var page = new WorklistPage(null, 3, 0, 5000, 60m, [Entry("C-2", 30), Entry("C-9", 20), Entry("C-1", 10)], []);
        answers["/api/worklist?limit=5000"] = (HttpStatusCode.OK, page);
        answers["/api/kpis"] = (HttpStatusCode.OK, Fixtures.Kpis(Fixtures.Values(dso: 40m)));

        var cut = Render<Worklist>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=worklist-row]").Count));
        Assert.Equal(["C-2", "C-9", "C-1"], cut.FindAll("[data-testid=worklist-row]").Select(r => r.GetAttribute("data-customer")));
        Assert.Contains("Call", cut.FindAll("[data-testid=worklist-row]")[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("3 customers · 60 EUR at stake", cut.Find("[data-testid=worklist-summary]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_worklist_says_why_instead_of_showing_nothing()
    {
        answers["/api/worklist?limit=5000"] = (HttpStatusCode.OK, new WorklistPage(null, 0, 0, 5000, 0m, [], []));
        answers["/api/kpis"] = (HttpStatusCode.OK, Fixtures.Kpis(Fixtures.Values(dso: 40m)));
        var cut = Render<Worklist>();
        cut.WaitForAssertion(() => Assert.Contains("Nothing to do", cut.Find(".empty").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void A_refused_customer_360_shows_the_apis_reason()
    {
        answers["/api/customers/C-7"] = (HttpStatusCode.Forbidden, new { title = "Forbidden", detail = "customerId: a collector sees only their own customers" });
        var cut = Render<Customer>(p => p.Add(c => c.CustomerId, "C-7"));
        cut.WaitForAssertion(() => Assert.Contains("a collector sees only their own customers", cut.Find("[data-testid=problem]").TextContent, StringComparison.Ordinal));
    }
}
