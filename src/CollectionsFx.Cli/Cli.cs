using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>Dispatches the <c>cfx</c> commands.</summary>
internal static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var command = args.FirstOrDefault() ?? "help";
        var rest = args.Skip(1).ToArray();
        switch (command)
        {
            case "serve":
                await LocalHost.Build(rest).RunAsync().ConfigureAwait(false);
                return 0;
            case "up":
                return await UpCommand.RunAsync(rest).ConfigureAwait(false);
            case "eventlog":
                return await EventLogCommand.RunAsync(rest).ConfigureAwait(false);
            case "import":
                return await ImportCommand.RunAsync(rest).ConfigureAwait(false);
            case "mining":
                return await MiningCommand.RunAsync(rest).ConfigureAwait(false);
            case "model":
                return await ModelCommand.RunAsync(rest).ConfigureAwait(false);
            case "kpi":
                return await KpiCommand.RunAsync(rest).ConfigureAwait(false);
            case "erase":
                return await EraseCommand.RunAsync(rest).ConfigureAwait(false);
            case "replay":
                return await ReplayCommand.RunAsync(rest).ConfigureAwait(false);
            case "demo" when rest.FirstOrDefault() == "seed":
                return await DemoCommand.RunAsync(rest[1..]).ConfigureAwait(false);
            case "help" or "--help" or "-h":
                Help();
                return 0;
            default:
                AnsiConsole.MarkupLineInterpolated($"[red]Unknown command '{command}'.[/]");
                Help();
                return 2;
        }
    }

    private static void Help()
    {
        AnsiConsole.MarkupLine("""
            [bold]cfx[/]: CollectionsFx on a laptop

              [green]up[/]         everything: Azurite, MailDev, the API on http://127.0.0.1:7071, demo data (once)
              [green]serve[/]      the HTTP API (same routes as the Functions app) on http://127.0.0.1:7071, over a running Azurite
              [green]import[/]     import an invoice extract: FILE --mapping MAP.json [grey][[--as-of ISO-8601]][/]
              [green]eventlog[/]   export (the nightly job) or load the event log's blob segments: export|load
              [green]mining[/]     variants|dfg|stats|convert of an event-log file, as JSON: --xes FILE | --csv FILE --map MAP.json | --ocel FILE --object-type T | --parquet FILE
              [green]model[/]      evaluate (time split, model vs baselines, metrics JSON) or train, on any invoice extract: --data FILE --mapping MAP.json
              [green]kpi[/]        KPIs of a running API  [grey][[--as-of yyyy-MM-dd]] [[--period yyyy-MM]] [[--group-by segment]] [[--url U]] [[--json]][/]
              [green]erase[/]      erase a customer's personal data (GDPR), keeping amounts: CUSTOMER  [grey][[--url U]][/]
              [green]replay[/]     disaster-recovery drill: rebuild the ledger from its event log and compare with the live state  [grey][[--into PREFIX]][/]
              [green]demo seed[/]  send the demo company to a running API  [grey][[--url U]] [[--customers N]] [[--months N]] [[--seed N]][/]
            """);
    }
}
