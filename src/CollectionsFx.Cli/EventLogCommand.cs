using System.Diagnostics;
using CollectionsFx.Api.Jobs;
using CollectionsFx.Storage;
using CollectionsFx.Storage.EventLog;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>`cfx eventlog export` (what the nightly timer does) and `cfx eventlog load` (how long analytics waits).</summary>
internal static class EventLogCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = LocalHost.Build([]);
        await app.Services.GetRequiredService<StorageLayout>().EnsureCreatedAsync().ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        switch (args.FirstOrDefault())
        {
            case "export":
                var manifest = await app.Services.GetRequiredService<EventLogExporter>().ExportAsync(CancellationToken.None).ConfigureAwait(false);
                AnsiConsole.MarkupLineInterpolated($"[green]Exported {manifest.Events} events in {manifest.Segments.Count} segments ({manifest.ExportId}) in {watch.Elapsed.TotalSeconds:0.0} s.[/]");
                return 0;
            case "load":
                var events = await app.Services.GetRequiredService<EventLogSegments>().LoadAsync().ConfigureAwait(false);
                AnsiConsole.MarkupLineInterpolated($"[green]Loaded {events.Count} events in {watch.Elapsed.TotalSeconds:0.00} s.[/]");
                return 0;
            default:
                AnsiConsole.MarkupLine("[red]Usage: cfx eventlog export|load[/]");
                return 2;
        }
    }
}
