using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CollectionsFx.Contracts;
using Microsoft.Playwright;

namespace CollectionsFx.IntegrationTests.Web;

/// <summary>The web app in headless Chromium against `cfx serve` with demo data: what each role sees and can do.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppTests(BrowserStack stack)
{
    private async Task<T> ApiAsync<T>(string path) =>
        (await stack.Client.GetFromJsonAsync<T>(path, ApiJsonOptions.Value))!;

    [Fact]
    public async Task The_cfo_lands_on_the_control_center_whose_tiles_show_the_api_numbers_and_formulas()
    {
        var page = await stack.SignInAsync("carla");
        await page.WaitForURLAsync("**/control-center");
        var kpis = await ApiAsync<KpiResponse>("/api/kpis");
        var all = kpis.Groups.Single(g => g.Key == "all").Values;

        var dso = page.GetByTestId("tile-dsoCountback-value");
        await Assertions.Expect(dso).ToHaveTextAsync(all.DsoCountback!.Value.ToString("N1", CultureInfo.InvariantCulture) + " days");
        await Assertions.Expect(page.GetByTestId("tile-overdueAr-value")).ToHaveTextAsync(all.OverdueAr.ToString("N0", CultureInfo.InvariantCulture) + " " + kpis.Currency);
        // The formula is the tile's description (tooltip and screen readers alike).
        var described = await page.GetByTestId("tile-cei").GetAttributeAsync("aria-describedby");
        await Assertions.Expect(page.Locator($"#{described}")).ToContainTextAsync(kpis.Formulas["cei"]);

        // Charts were drawn by ECharts (a canvas inside each), and the top customers table links to customers.
        await Assertions.Expect(page.GetByTestId("forecast-chart").Locator("canvas")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("bands-chart").Locator("canvas")).ToHaveCountAsync(1);
        var worklist = await ApiAsync<WorklistPage>("/api/worklist?limit=5000");
        var top = worklist.Items.OrderByDescending(e => e.Customer.ValueAtStake).First().Customer;
        await Assertions.Expect(page.GetByTestId("top-customers").Locator("tbody tr").First).ToContainTextAsync(top.Name);
        await BrowserStack.ScreenshotAsync(page, "cfo-control-center");

        // Click-through: the tile opens the KPI by collector.
        await page.GetByTestId("tile-dsoCountback").ClickAsync();
        await page.WaitForURLAsync("**/kpis/dsoCountback");
        await Assertions.Expect(page.GetByTestId("kpi-groups").Locator("tbody tr")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("formula")).ToContainTextAsync(kpis.Formulas["dsoCountback"]);
    }

    [Fact]
    public async Task A_collector_sees_their_own_worklist_in_the_api_order_and_cannot_open_another_collectors_customer()
    {
        var worklist = await ApiAsync<WorklistPage>("/api/worklist?limit=5000");
        var collector = worklist.Items.GroupBy(e => e.Customer.Collector).OrderByDescending(g => g.Count()).First().Key;
        var own = worklist.Items.Where(e => e.Customer.Collector == collector).Select(e => e.Customer.CustomerId).ToList();
        var foreign = worklist.Items.First(e => e.Customer.Collector != collector).Customer.CustomerId;

        var page = await stack.SignInAsync(collector);
        await page.WaitForURLAsync("**/worklist");
        var rows = page.GetByTestId("worklist-row");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        var shown = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.customer)");
        Assert.True(shown.Length >= Math.Min(own.Count, 8), $"only {shown.Length} rows rendered of {own.Count}");
        Assert.Equal(own.Take(shown.Length), shown);
        await BrowserStack.ScreenshotAsync(page, "collector-worklist");

        // Only their own: the collector view has no other views and a foreign customer is refused with the API's reason.
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Control Center" })).ToHaveCountAsync(0);
        await page.GotoAsync($"/customers/{foreign}");
        await Assertions.Expect(page.GetByTestId("problem")).ToContainTextAsync("a collector sees only their own customers");
    }

    [Fact]
    public async Task A_deep_link_reloads_and_executing_an_email_proposal_sends_a_mail_to_the_sink()
    {
        var worklist = await ApiAsync<WorklistPage>("/api/worklist?limit=5000");
        var target = worklist.Items.First(e => e.Customer.HasEmail && e.Proposals.Any(p => p.Action == Domain.Actions.CollectionAction.Email)).Customer;
        var page = await stack.SignInAsync("maria");
        await BrowserStack.StepsAsync(page, "deep-link", async () =>
        {
        // A deep link typed into the address bar (a full page load, not in-app navigation) opens the customer 360.
        await page.GotoAsync($"/customers/{target.CustomerId}");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(target.Name);
        await Assertions.Expect(page.GetByTestId("open-items").Locator("tbody tr")).Not.ToHaveCountAsync(0);
        var contacts = (await ApiAsync<Customer360>($"/api/customers/{target.CustomerId}")).Contacts;
        Assert.NotEmpty(contacts); // the demo company e-mails and calls its customers
        await Assertions.Expect(page.GetByTestId("contacts").Locator("tbody tr")).ToHaveCountAsync(Math.Min(50, contacts.Count));
        await BrowserStack.ScreenshotAsync(page, "customer-360");

        var before = stack.Smtp.Messages.Count;
        await page.GetByTestId("proposals").Locator("tr[data-action='Email']").GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.GetByTestId("last-outcome")).Not.ToBeEmptyAsync();
        var mails = await stack.Smtp.WaitForAsync(before + 1);
        var mail = mails.Skip(before).Single(m => m.To.Mailboxes.Any(a => a.Address == $"ap@{target.CustomerId.ToLowerInvariant()}.example"));
        Assert.Contains(target.Name, mail.HtmlBody ?? mail.TextBody, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Capturing_a_promise_holds_its_invoices_from_dunning()
    {
        var worklist = await ApiAsync<WorklistPage>("/api/worklist?limit=5000");
        var target = worklist.Items.First(e => e.Customer.ActionableOverdue > 0 && e.Customer.PromisedAmount == 0).Customer;
        var before = await ApiAsync<Customer360>($"/api/customers/{target.CustomerId}");
        var invoice = before.Profile.OpenItems.First(i => i.DaysPastDue > 0 && !i.Promised && !i.Disputed);

        var page = await stack.SignInAsync(target.Collector);
        await BrowserStack.StepsAsync(page, "promise", async () =>
        {
        await page.GotoAsync($"/customers/{target.CustomerId}");
        await page.Locator("#promise-invoices").GetByText(invoice.InvoiceId, new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#promise-amount input, input#promise-amount").First).Not.ToHaveValueAsync("");
        var posted = page.WaitForResponseAsync(r => r.Url.EndsWith("/promises", StringComparison.Ordinal) && r.Request.Method == "POST");
        await page.Locator("#promise-submit").ClickAsync();
        var response = await posted;
        Assert.True(response.Ok, $"{response.Status}: {await response.TextAsync()}");
        await Assertions.Expect(page.GetByTestId("promises")).ToContainTextAsync("Open");

        var after = await ApiAsync<Customer360>($"/api/customers/{target.CustomerId}");
        var held = after.Profile.OpenItems.Single(i => i.InvoiceId == invoice.InvoiceId);
        Assert.True(held.Promised, "the promised invoice is not held");
        Assert.Contains(after.Profile.Promises, p => p.State == Domain.Ledger.PromiseState.Open && p.InvoiceIds.Contains(invoice.InvoiceId));
        Assert.True(after.Situation.ActionableOverdue < before.Situation.ActionableOverdue, "the promised amount is still actionable (dunned)");
        await BrowserStack.ScreenshotAsync(page, "customer-360-promise");
        });
    }

    [Fact]
    public async Task A_finance_lead_sees_the_team_by_collector_publishes_suggested_targets_and_exports_csv()
    {
        var team = await ApiAsync<KpiResponse>("/api/kpis?groupBy=collector");
        var page = await stack.SignInAsync("felix");
        await BrowserStack.StepsAsync(page, "finance-lead", async () =>
        {
            await page.WaitForURLAsync("**/collections");
            var rows = page.GetByTestId("team-table").Locator("tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(team.Groups.Count);
            var first = team.Groups.OrderBy(g => g.Key, StringComparer.Ordinal).First();
            await Assertions.Expect(rows.First).ToContainTextAsync(first.Values.DsoCountback!.Value.ToString("N1", CultureInfo.InvariantCulture) + " days");
            await BrowserStack.ScreenshotAsync(page, "finance-lead-collections");

            // One click publishes the suggested DSO target of every collector; the API then holds them, set by felix.
            var suggested = (await ApiAsync<TargetSuggestionsResponse>("/api/targets/suggestions?kpi=dsoCountback&groupBy=collector")).Suggestions.Where(s => s.Suggested is not null).ToList();
            Assert.NotEmpty(suggested);
            await page.Locator("#publish-targets").ClickAsync();
            await WaitUntilAsync(async () => (await ApiAsync<List<JsonElement>>("/api/targets")).Count(t => t.GetProperty("kpi").GetString() == "dsoCountback" && t.GetProperty("scope").GetString() == "collector") >= suggested.Count);
            var targets = (await ApiAsync<List<JsonElement>>("/api/targets")).Where(t => t.GetProperty("kpi").GetString() == "dsoCountback" && t.GetProperty("scope").GetString() == "collector").ToList();
            Assert.All(targets, t => Assert.Equal("felix", t.GetProperty("setBy").GetString()));
            Assert.Equal(suggested.Select(s => (s.Group, s.Suggested!.Value)).OrderBy(x => x.Group), targets.Select(t => (t.GetProperty("key").GetString()!, t.GetProperty("value").GetDecimal())).OrderBy(x => x.Item1));

            // Export: an Excel-ready CSV with a row per collector.
            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-csv").ClickAsync());
            var path = await download.PathAsync();
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, (await File.ReadAllBytesAsync(path))[..3]); // the BOM Excel needs for UTF-8
            var lines = (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0).ToList();
            Assert.StartsWith("collector,dsoCountback,dsoCountbackTarget", lines[0], StringComparison.Ordinal);
            Assert.Equal(team.Groups.Count + 1, lines.Count);
        });
    }

    [Fact]
    public async Task A_manager_steers_by_gaps_starts_dunning_in_bulk_reads_the_process_map_and_sets_automation()
    {
        var gaps = await ApiAsync<GapsResponse>("/api/gaps?limit=500");
        Assert.NotEmpty(gaps.Gaps);
        var page = await stack.SignInAsync("maria");
        await BrowserStack.StepsAsync(page, "manager", async () =>
        {
            await page.WaitForURLAsync("**/steering");
            var rows = page.GetByTestId("gaps").Locator("tbody tr");
            await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-customer", gaps.Gaps[0].CustomerId);
            await Assertions.Expect(page.GetByTestId("process-map").Locator("canvas")).ToHaveCountAsync(1);
            await Assertions.Expect(page.GetByTestId("variants").Locator("tbody tr")).Not.ToHaveCountAsync(0);
            await BrowserStack.ScreenshotAsync(page, "manager-steering");
            await page.GetByTestId("process-map").ScreenshotAsync(new() { Path = Path.Combine(BrowserStack.ScreenshotDir, "process-map.png") });

            // Bulk: the cycles of the first two listed customers with something overdue start (one without has nothing to dun).
            var overdue = (await ApiAsync<WorklistPage>("/api/worklist?limit=5000")).Items.Where(e => e.Customer.OverdueAmount > 0).Select(e => e.Customer.CustomerId).ToHashSet();
            var chosen = gaps.Gaps.Take(20).Select(g => g.CustomerId).Distinct().Where(overdue.Contains).Take(2).ToList();
            Assert.Equal(2, chosen.Count);
            foreach (var id in chosen)
            {
                await page.Locator($"tr[data-customer='{id}']").First.Locator("fluent-checkbox").ClickAsync();
            }

            await Assertions.Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("2 selected");
            await page.Locator("#bulk-dunning").ClickAsync();
            await Assertions.Expect(page.GetByTestId("bulk-outcome")).ToContainTextAsync("cycles started");
            foreach (var id in chosen)
            {
                await WaitUntilAsync(async () => (await stack.Client.GetAsync($"/api/dunning/{id}")).IsSuccessStatusCode);
            }

            // Automation: make calls touchless too; the API keeps it, set by maria.
            await page.Locator("#touchless-Call").ClickAsync();
            await page.Locator("#automation-save").ClickAsync();
            await WaitUntilAsync(async () => (await ApiAsync<AutomationSettings>("/api/automation")).SetBy == "maria");
            Assert.Contains(Domain.Actions.CollectionAction.Call, (await ApiAsync<AutomationSettings>("/api/automation")).Touchless);
        });
    }

    [Fact]
    public async Task A_manager_reads_the_running_experiment_then_creates_starts_and_stops_another_in_the_steering_view()
    {
        var demo = await ApiAsync<ExperimentDetail>($"/api/experiments/{Cli.Demo.DemoExperiment.Design.Id}");
        var page = await stack.SignInAsync("maria");
        await BrowserStack.StepsAsync(page, "manager-experiments", async () =>
        {
            await page.WaitForURLAsync("**/steering");
            var panel = page.GetByTestId("experiments");
            await Assertions.Expect(panel.Locator($"tr[data-experiment='{demo.Entry.Design.Id}']")).ToHaveCountAsync(1);

            // The running experiment opens by itself: an effect per outcome with the API's verdict, and the weekly curve.
            var detail = page.GetByTestId("experiment-detail");
            await Assertions.Expect(detail.GetByTestId("experiment-effects").Locator("tbody tr")).ToHaveCountAsync(demo.Result!.Effects.Count);
            await Assertions.Expect(detail.Locator("tr[data-metric='daysLate']")).ToContainTextAsync(demo.Result.Effects.Single(e => e.Metric == "daysLate").Verdict);
            await Assertions.Expect(detail.GetByTestId("experiment-chart").Locator("canvas")).ToHaveCountAsync(1);
            await Assertions.Expect(detail.GetByTestId("experiment-state")).ToContainTextAsync($"champion {demo.Result.CustomersPerArm["champion"]}");
            await panel.ScrollIntoViewIfNeededAsync();
            await panel.ScreenshotAsync(new() { Path = Path.Combine(BrowserStack.ScreenshotDir, "manager-experiment.png") });

            // A new one for the strategic customers of low and medium risk: the champion is the playbook in force for them.
            await page.Locator("#experiment-name input").FillAsync("Browser test strategic");
            await page.Locator("#experiment-name input").PressAsync("Tab");
            await page.Locator("#experiment-segment-MidMarket").ClickAsync();
            await page.Locator("#experiment-segment-Smb").ClickAsync();
            await page.Locator("#experiment-segment-Strategic").ClickAsync();
            await Assertions.Expect(page.GetByTestId("experiment-champion")).ToContainTextAsync("strategic-low-risk");
            await page.Locator("#experiment-challenger").ClickAsync();
            await page.Locator("#experiment-challenger fluent-option", new() { HasText = "mid-market" }).ClickAsync();
            await page.Locator("#experiment-create").ClickAsync();
            await Assertions.Expect(detail.Locator("h3")).ToContainTextAsync("Browser test strategic");
            var created = await ApiAsync<ExperimentDetail>("/api/experiments/browser-test-strategic");
            Assert.Equal((ExperimentState.Draft, "strategic-low-risk", "mid-market"), (created.Entry.State, created.Entry.PlaybookOf("champion"), created.Entry.PlaybookOf("challenger")));
            Assert.Equal([Domain.Ledger.Segment.Strategic], created.Entry.Design.Eligible.Segments!);

            await page.Locator("#experiment-start").ClickAsync();
            await Assertions.Expect(page.Locator("#experiment-stop")).ToBeVisibleAsync();
            var running = await ApiAsync<ExperimentDetail>("/api/experiments/browser-test-strategic");
            Assert.Equal(ExperimentState.Running, running.Entry.State);
            await Assertions.Expect(detail.GetByTestId("experiment-state")).ToContainTextAsync(string.Join(", ", running.Result!.CustomersPerArm.Select(a => $"{a.Key} {a.Value}")));

            await page.Locator("#experiment-stop").ClickAsync();
            await WaitUntilAsync(async () => (await ApiAsync<ExperimentDetail>("/api/experiments/browser-test-strategic")).Entry.State == ExperimentState.Stopped);

            // A member's customer 360 shows its arm.
            var worklist = await ApiAsync<WorklistPage>("/api/worklist?limit=5000");
            var member = worklist.Items.Select(e => e.Customer).First(c => c.Segment is "MidMarket" or "Smb");
            var arm = Assert.Single((await ApiAsync<Customer360>($"/api/customers/{member.CustomerId}")).Experiments!, x => x.ExperimentId == demo.Entry.Design.Id).Arm;
            await page.GotoAsync($"/customers/{member.CustomerId}");
            await Assertions.Expect(page.GetByTestId("experiment-membership")).ToContainTextAsync($"arm {arm}");
        });
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 30)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), "the condition did not hold in time");
            await Task.Delay(200);
        }
    }
}
