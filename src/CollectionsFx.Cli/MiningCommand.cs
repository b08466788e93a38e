using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Api.Mining;
using CollectionsFx.Domain.Mining;
using CollectionsFx.Domain.Mining.Interchange;
using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>
/// `cfx mining variants|dfg|stats|convert` on any event-log file, printing JSON, so the engine can be checked against
/// other process-mining tools on the same log.
/// </summary>
internal static class MiningCommand
{
    private const string Usage = "Usage: cfx mining variants|dfg|stats|convert (--xes FILE | --csv FILE --map MAP.json | --ocel FILE --object-type TYPE | --parquet FILE) "
        + "[--view frequency|performance] [--limit N] [--with ACTIVITY] [--without ACTIVITY] [--out FILE.xes|.xes.gz|.jsonocel|.parquet]";

    public static async Task<int> RunAsync(string[] args)
    {
        var verb = args.FirstOrDefault();
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            if (!options.TryGetValue(args[i], out var values))
            {
                options[args[i]] = values = [];
            }

            values.Add(args[i + 1]);
        }

        string? One(string name) => options.TryGetValue(name, out var v) ? v[^1] : null;
        if (verb is not ("variants" or "dfg" or "stats" or "convert"))
        {
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        MiningLogBuilder builder;
        try
        {
            builder = await ReadAsync(One).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FormatException or IOException or ArgumentException)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }

        foreach (var skipped in builder.Skipped.Take(20))
        {
            await Console.Error.WriteLineAsync($"skipped {skipped.Where}: {skipped.Reason}").ConfigureAwait(false);
        }

        if (builder.Skipped.Count > 20)
        {
            await Console.Error.WriteLineAsync($"... and {builder.Skipped.Count - 20} more skipped").ConfigureAwait(false);
        }

        var log = builder.Build();
        var index = VariantIndex.Build(log);
        var cases = new MiningFilter
        {
            WithActivities = options.GetValueOrDefault("--with") ?? [],
            WithoutActivities = options.GetValueOrDefault("--without") ?? [],
        }.Apply(index);
        object result;
        switch (verb)
        {
            case "variants":
                var variants = index.Summarize(cases);
                result = new { Cases = cases.Length, Events = log.EventCount, TotalVariants = variants.Count, Skipped = builder.Skipped.Count, Variants = variants.Take(int.Parse(One("--limit") ?? "1000000", System.Globalization.CultureInfo.InvariantCulture)) };
                break;
            case "dfg":
                result = DirectlyFollows.Compute(log, cases, One("--view") == "performance");
                break;
            case "stats":
                result = LogStatistics.Compute(index, cases);
                break;
            default:
                return await ConvertAsync(log, One("--out")).ConfigureAwait(false);
        }

        await using var stdout = Console.OpenStandardOutput();
        await JsonSerializer.SerializeAsync(stdout, result, new JsonSerializerOptions(ApiJson.Options) { WriteIndented = true }).ConfigureAwait(false);
        await stdout.WriteAsync("\n"u8.ToArray()).ConfigureAwait(false);
        return 0;
    }

    private static async Task<MiningLogBuilder> ReadAsync(Func<string, string?> option)
    {
        if (option("--xes") is { } xes)
        {
            return Xes.ReadFile(xes);
        }

        if (option("--csv") is { } csv)
        {
            var map = option("--map") ?? throw new ArgumentException("--csv needs --map MAP.json (case, activity, timestamp and resource columns).");
            return CsvEventLog.ReadFile(csv, EventLogMapping.Parse(await File.ReadAllTextAsync(map).ConfigureAwait(false)));
        }

        if (option("--ocel") is { } ocel)
        {
            await using var file = File.OpenRead(ocel);
            return Ocel.Read(file, option("--object-type") ?? throw new ArgumentException("--ocel needs --object-type TYPE (the object type that is the case)."));
        }

        if (option("--parquet") is { } parquet)
        {
            await using var file = File.OpenRead(parquet);
            return await ParquetEventLog.ReadAsync(file).ConfigureAwait(false);
        }

        throw new ArgumentException(Usage);
    }

    private static async Task<int> ConvertAsync(MiningLog log, string? output)
    {
        if (output is null)
        {
            await Console.Error.WriteLineAsync("convert needs --out FILE (.xes, .xes.gz, .jsonocel or .parquet)").ConfigureAwait(false);
            return 2;
        }

        await using var file = File.Create(output);
        if (output.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            await ParquetEventLog.WriteAsync(log, file).ConfigureAwait(false);
        }
        else if (output.EndsWith(".jsonocel", StringComparison.OrdinalIgnoreCase) || output.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            await Ocel.WriteAsync(file, Ocel.FromMiningLog(log)).ConfigureAwait(false);
        }
        else
        {
            Xes.Write(log, file, compress: output.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
        }

        AnsiConsole.MarkupLineInterpolated($"[green]Wrote {log.CaseCount} cases, {log.EventCount} events to {output}.[/]");
        return 0;
    }
}
