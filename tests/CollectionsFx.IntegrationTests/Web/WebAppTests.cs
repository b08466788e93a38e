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
}
