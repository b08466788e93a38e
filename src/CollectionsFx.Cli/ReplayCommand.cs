using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Api.Recovery;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>
/// `cfx replay [--into PREFIX]`: the disaster-recovery drill over the configured storage: rebuilds the ledger from its event
/// log and compares it with the live records; with <c>--into</c> it also writes the rebuilt ledger under another prefix (a
/// restore) and compares that. Prints the report as JSON; exit code 0 when equal, 1 when not.
/// </summary>
internal static class ReplayCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? into = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--into" && i + 1 < args.Length && StorageOptions.IsValidPrefix(args[i + 1]))
            {
                into = args[++i];
            }
            else
            {
                AnsiConsole.MarkupLine("Usage: cfx replay [[--into PREFIX]]  (PREFIX: 1-20 letters or digits, starting with a letter)");
                return 2;
            }
        }

        await using var app = LocalHost.Build([]);
        var options = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (into == options.Prefix)
        {
            AnsiConsole.MarkupLine("[red]--into must name another prefix than the live one.[/]");
            return 2;
        }

        await app.Services.GetRequiredService<StorageLayout>().EnsureCreatedAsync().ConfigureAwait(false);
        TableLedgerStore? target = null;
        if (into is not null)
        {
            var layout = StorageLayout.Create(new StorageOptions { ConnectionString = options.ConnectionString, AccountName = options.AccountName, Prefix = into });
            await layout.EnsureCreatedAsync().ConfigureAwait(false);
            target = new TableLedgerStore(layout.Ledger, TimeProvider.System);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var report = await app.Services.GetRequiredService<LedgerReplay>().RunAsync(target, into).ConfigureAwait(false);
        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, ApiJson.Options)).ConfigureAwait(false);
        await Console.Error.WriteLineAsync($"{report.Customers} customers, {report.Records} records rebuilt from {report.Events} events in {watch.Elapsed.TotalSeconds:0.0} s: "
            + (report.Equal ? "equal to the live state" : $"{report.Differences.Count} differences")).ConfigureAwait(false);
        return report.Equal ? 0 : 1;
    }
}
