using System.Diagnostics;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Cli.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>
/// `cfx up`: everything on a laptop in one command. Installs the pinned npm tools if missing, starts Azurite
/// (data in .cfx/azurite) and MailDev on 127.0.0.1, serves the API on http://127.0.0.1:7071, seeds the demo
/// company once, prints the URLs; Ctrl-C stops the host and both tools.
/// </summary>
public static class UpCommand
{
    private const int BlobPort = 10000;
    private const int SmtpPort = 1025;
    private const int MailWebPort = 1080;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Tools.RepoRoot();
        var data = Path.Combine(root, ".cfx");
        Directory.CreateDirectory(Path.Combine(data, "azurite"));
        await NpmTools.EnsureInstalledAsync(root, AzuriteProcess.Script(root), Path.Combine(root, "node_modules", "maildev", "bin", "maildev")).ConfigureAwait(false);

        AzuriteProcess? azurite = null;
        Process? maildev = null;
        try
        {
            if (AzuriteProcess.IsListening(BlobPort))
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]Port {BlobPort} is in use: using the Azurite already running there.[/]");
            }
            else
            {
                azurite = await AzuriteProcess.StartAsync(root, Path.Combine(data, "azurite"), (BlobPort, BlobPort + 1, BlobPort + 2)).ConfigureAwait(false);
            }

            maildev = Tools.StartNode(root, "MailDev", SmtpPort,
                "node_modules/maildev/bin/maildev", "--ip", "127.0.0.1", "--smtp", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--web", MailWebPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent");
            await AzuriteProcess.WaitForPortAsync(SmtpPort, TimeSpan.FromSeconds(30), maildev).ConfigureAwait(false);

            var app = LocalHost.Build(args);
            await app.StartAsync().ConfigureAwait(false);
            var marker = Path.Combine(data, "demo-seeded");
            if (!File.Exists(marker))
            {
                await SeedAsync(app, new DemoOptions()).ConfigureAwait(false);
                await File.WriteAllTextAsync(marker, app.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
            }

            PrintUrls();
            await app.WaitForShutdownAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            return 0;
        }
        finally
        {
            Tools.Stop(maildev);
            if (azurite is not null)
            {
                await azurite.DisposeAsync().ConfigureAwait(false);
            }

            AnsiConsole.MarkupLine("[grey]Stopped the host, Azurite and MailDev.[/]");
        }
    }

    /// <summary>Generates the demo company and posts it to <paramref name="app"/>'s own webhook.</summary>
    public static async Task SeedAsync(WebApplication app, DemoOptions options)
    {
        var time = app.Services.GetRequiredService<TimeProvider>();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var (withExperiment, arms, started) = DemoExperiment.Prepare(options, today);
        var events = DemoCompany.Generate(withExperiment, today);
        var secrets = app.Services.GetRequiredService<IOptions<IngestionOptions>>().Value.Secrets;
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(5) };
        var seeder = new DemoSeeder(http, secrets, time);
        var watch = Stopwatch.StartNew();
        await seeder.SeedRatesAsync(DemoCompany.RatesCsv(options, today)).ConfigureAwait(false);
        var accepted = 0;
        await AnsiConsole.Progress().StartAsync(async ctx =>
        {
            var task = ctx.AddTask($"Seeding demo company ({options.Customers} customers, {options.Months} months)", maxValue: events.Count);
            accepted = await seeder.SeedAsync(events, sent => task.Value = sent).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await DemoExperiment.RecordAsync(app.Services, arms, started).ConfigureAwait(false);
        AnsiConsole.MarkupLineInterpolated($"[green]Seeded {accepted} of {events.Count} events and a running experiment ({arms.Count} customers) in {watch.Elapsed.TotalSeconds:0.0} s.[/]");
    }

    private static void PrintUrls()
    {
        var table = new Table().AddColumn("What").AddColumn("Where");
        table.AddRow("Web app: sign in as a demo CFO, finance lead, manager or collector", LocalHost.DefaultUrl + "/");
        table.AddRow("API (webhooks, schemas, dead letters)", LocalHost.DefaultUrl + "/api");
        table.AddRow("OpenAPI document", LocalHost.DefaultUrl + "/api/openapi.json");
        table.AddRow("KPIs (DSO, CEI, aging, ...) by segment", LocalHost.DefaultUrl + "/api/kpis?groupBy=segment");
        table.AddRow("Execution gaps by money at stake", LocalHost.DefaultUrl + "/api/gaps");
        table.AddRow("Process map (performance)", LocalHost.DefaultUrl + "/api/mining/dfg?view=performance");
        table.AddRow("Event schemas", LocalHost.DefaultUrl + "/api/schemas");
        table.AddRow("Dead letters", LocalHost.DefaultUrl + "/api/deadletters");
        table.AddRow("Mail sink (MailDev)", $"http://127.0.0.1:{MailWebPort}");
        table.AddRow("Azurite (Blob/Queue/Table)", "127.0.0.1:10000 / 10001 / 10002");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[bold]CollectionsFx is running.[/] Press Ctrl-C to stop everything.");
    }
}
