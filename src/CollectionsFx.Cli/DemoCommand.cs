using System.Globalization;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Cli.Demo;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>`cfx demo seed`: sends the demo company to a running API (by default the local host).</summary>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new DemoOptions();
        var url = LocalHost.DefaultUrl;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--url": url = value; break;
                case "--customers": options = options with { Customers = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--months": options = options with { Months = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--seed": options = options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                default:
                    AnsiConsole.MarkupLineInterpolated($"[red]Unknown option {args[i]}.[/]");
                    return 2;
            }
        }

        var config = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json").AddEnvironmentVariables().Build();
        var secrets = (config.GetSection(IngestionOptions.Section).Get<IngestionOptions>() ?? new IngestionOptions()).Secrets;
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var events = DemoCompany.Generate(options, today);
        using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(5) };
        var seeder = new DemoSeeder(http, secrets, TimeProvider.System);
        await seeder.SeedRatesAsync(DemoCompany.RatesCsv(options, today)).ConfigureAwait(false);
        var accepted = await seeder.SeedAsync(events).ConfigureAwait(false);
        AnsiConsole.MarkupLineInterpolated($"[green]{accepted} of {events.Count} events accepted by {url}.[/]");
        return 0;
    }
}
