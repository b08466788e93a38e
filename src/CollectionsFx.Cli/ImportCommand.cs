using System.Globalization;
using CollectionsFx.Api.Imports;
using CollectionsFx.Storage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>`cfx import FILE --mapping MAP.json [--as-of 2026-12-01T00:00:00Z]`: imports an invoice extract into the ledger.</summary>
internal static class ImportCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var file = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
        var mappingPath = Option(args, "--mapping");
        if (file is null || mappingPath is null)
        {
            AnsiConsole.MarkupLine("[red]Usage: cfx import FILE --mapping MAP.json [[--as-of ISO-8601]][/]");
            return 2;
        }

        ImportMapping mapping;
        try
        {
            mapping = ImportMapping.Parse(await File.ReadAllTextAsync(mappingPath).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or IOException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{mappingPath}: {ex.Message}[/]");
            return 2;
        }

        // Rows carry the file's last-write time as their version unless told otherwise: importing the same
        // file twice changes nothing, a newer extract wins.
        var asOf = Option(args, "--as-of") is { } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
        await using var app = LocalHost.Build([]);
        await app.Services.GetRequiredService<StorageLayout>().EnsureCreatedAsync().ConfigureAwait(false);
        var importer = app.Services.GetRequiredService<InvoiceImporter>();
        await using var stream = File.OpenRead(file);
        ImportReport report = null!;
        try
        {
            await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn()).StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"Importing {Path.GetFileName(file)}", maxValue: Math.Max(1, stream.Length));
                report = await importer.ImportAsync(stream, mapping, new ImportSource(Path.GetFileName(file), asOf), new Progress<long>(read => task.Value = read)).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{file}: {ex.Message}[/]");
            return 2;
        }

        AnsiConsole.MarkupLineInterpolated($"[green]{report.Rows} rows: {report.Imported} imported ({report.Applied} changes applied, {report.Unchanged} unchanged, {report.Stale} stale), {report.Rejected} rejected.[/]");
        if (report.Errors.Count > 0)
        {
            var table = new Table().AddColumn("Line").AddColumn("Field").AddColumn("Problem");
            foreach (var e in report.Errors.Take(50))
            {
                table.AddRow(e.Line.ToString(CultureInfo.InvariantCulture), Markup.Escape(e.Field), Markup.Escape(e.Message));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"Rejected rows are kept as dead letters: {string.Join(", ", report.DeadLetterIds)}");
        }

        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
