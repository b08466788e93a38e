using System.Text.Json;
using CollectionsFx.IntegrationTests.Fixtures;
using Microsoft.Playwright;

namespace CollectionsFx.IntegrationTests.Web;

/// <summary>
/// Accessibility basics of every view, checked in Chromium with axe-core (npm, pinned): WCAG 2 A and AA rules, among them every
/// control labelled and text contrast; and the worklist reachable and usable with the keyboard alone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserStack stack)
{
    private static readonly string AxeScript = RepoPaths.Combine("node_modules", "axe-core", "axe.min.js");

    public static TheoryData<string, string, string> Views => new()
    {
        { "carla", "control-center", "tile-dsoCountback" },
        { "felix", "collections", "team-table" },
        { "maria", "steering", "gaps" },
        { "maria", "worklist", "worklist" },
    };

    [Theory]
    [MemberData(nameof(Views))]
    public async Task Every_view_passes_axe_wcag_a_and_aa_without_serious_violations(string user, string path, string ready)
    {
        var page = await stack.SignInAsync(user);
        await page.GotoAsync("/" + path);
        await page.GetByTestId(ready).First.WaitForAsync();
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = AxeScript });
        var result = await page.EvaluateAsync<JsonElement>(
            "async () => { const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });" +
            " return { checked: r.passes.concat(r.violations).map(v => v.id)," +
            " violations: r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')" +
            ".map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })) }; }");
        // The rules that matter here ran on this page (they pass or fail; not "inapplicable").
        var checkedRules = result.GetProperty("checked").EnumerateArray().Select(r => r.GetString()).ToHashSet();
        Assert.Contains("color-contrast", checkedRules);
        Assert.Contains("link-name", checkedRules);
        var violations = result.GetProperty("violations").EnumerateArray()
            .Select(v => $"{v.GetProperty("id")} ({v.GetProperty("impact")}): {v.GetProperty("help")} at {string.Join(" | ", v.GetProperty("targets").EnumerateArray())}").ToList();
        Assert.True(violations.Count == 0, $"/{path}: " + string.Join("\n", violations));
    }

    [Fact]
    public async Task The_worklist_is_reachable_and_its_actions_usable_with_the_keyboard()
    {
        var page = await stack.SignInAsync("maria");
        await page.GotoAsync("/worklist");
        await page.GetByTestId("worklist-row").First.WaitForAsync();
        // Tab from the top of the page until a customer link of the worklist has the focus.
        var reached = false;
        for (var i = 0; i < 40 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await page.EvaluateAsync<bool>("() => !!document.activeElement?.closest('[data-testid=worklist-row]')");
        }

        Assert.True(reached, "no worklist row could be reached with Tab");
        var customer = await page.EvaluateAsync<string>("() => document.activeElement.closest('[data-testid=worklist-row]').dataset.customer");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"**/customers/{customer}");
    }
}
