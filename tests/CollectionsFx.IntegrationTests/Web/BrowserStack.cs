using System.Diagnostics;
using CollectionsFx.Cli;
using CollectionsFx.Cli.Demo;
using CollectionsFx.IntegrationTests.Fixtures;
using Microsoft.Playwright;

namespace CollectionsFx.IntegrationTests.Web;

/// <summary>
/// What the browser tests run against, once for their collection: Azurite, an SMTP sink, a real <c>cfx serve</c> process (the
/// API and the web app it serves) seeded with a small demo company through its webhook, and headless Debian Chromium driven by
/// Playwright. Screenshots go to <see cref="ScreenshotDir"/> (kept as test artifacts).
/// </summary>
public sealed class BrowserStack : IAsyncLifetime
{
    /// <summary>Debian's Chromium; `.ci/run` installs it (apt-get install chromium). Playwright never downloads a browser here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private const string Source = "erp";
    private const string Secret = "browser-test-secret";

    private readonly AzuriteFixture azurite = new();
    private Process? serve;

    /// <summary>The demo company: big enough for every collector to have a worklist, small enough to seed in seconds.</summary>
    public static readonly DemoOptions Demo = new(Customers: 60, Months: 9, Seed: 7);

    public SmtpSink Smtp { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDir => RepoPaths.Combine("tests", "CollectionsFx.IntegrationTests", "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does");
        await azurite.InitializeAsync().ConfigureAwait(false);
        var ports = Tools.FreePorts(2);
        BaseAddress = new Uri($"http://127.0.0.1:{ports[0]}/");
        var prefix = AzuriteFixture.NewPrefix();
        serve = CfxServe.Start(azurite.ConnectionString, ports[0], ports[1], prefix, new Dictionary<string, string>
        {
            [$"Ingestion__Secrets__{Source}"] = Secret,
            ["Smtp__Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Insights__RefreshSeconds"] = "1",
        });
        Client = new HttpClient { BaseAddress = BaseAddress };
        await CfxServe.WaitHealthyAsync(Client, serve).ConfigureAwait(false);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var seeder = new DemoSeeder(Client, new Dictionary<string, string> { [Source] = Secret }, TimeProvider.System);
        await seeder.SeedRatesAsync(DemoCompany.RatesCsv(Demo, today)).ConfigureAwait(false);
        // The demo company as cfx up seeds it, with its running experiment (recorded in the same storage, as cfx up does in process).
        var (withExperiment, arms, started) = DemoExperiment.Prepare(Demo, today);
        var events = DemoCompany.Generate(withExperiment, today);
        Assert.Equal(events.Count, await seeder.SeedAsync(events, sourceOverride: Source).ConfigureAwait(false));
        await using (var recorder = LocalHost.Build([], new Dictionary<string, string?> { ["Storage:ConnectionString"] = azurite.ConnectionString, ["Storage:Prefix"] = prefix }))
        {
            await DemoExperiment.RecordAsync(recorder.Services, arms, started).ConfigureAwait(false);
        }

        await Client.WaitForSnapshotAsync(events.Count + arms.Count, seconds: 60).ConfigureAwait(false);

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync().ConfigureAwait(false);
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Without the background-networking flags Chromium keeps dialling Google on a machine with a closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        }).ConfigureAwait(false);
        Directory.CreateDirectory(ScreenshotDir);
    }

    /// <summary>A new browser context (own local storage) with a page signed in as <paramref name="user"/> by the development sign-in.</summary>
    public async Task<IPage> SignInAsync(string user)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByTestId($"user-{user}").ClickAsync();
        await page.GetByTestId("signed-in-as").WaitForAsync();
        return page;
    }

    /// <summary>Saves a full-page screenshot named <paramref name="name"/>.png.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });

    /// <summary>Runs a browser test's steps; when one fails, a screenshot of the page (failed-<paramref name="name"/>.png) is kept.</summary>
    public static async Task StepsAsync(IPage page, string name, Func<Task> steps)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(steps);
        try
        {
            await steps();
        }
        catch
        {
            await ScreenshotAsync(page, "failed-" + name);
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync().ConfigureAwait(false);
        }

        Playwright?.Dispose();
        Client?.Dispose();
        CfxServe.KillAll(serve);
        await Smtp.DisposeAsync().ConfigureAwait(false);
        await azurite.DisposeAsync().ConfigureAwait(false);
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserStack>
{
    public const string Name = "browser";
}
