using System.Globalization;
using CollectionsFx.Benchmarks;
using CollectionsFx.Cli;

// cfx-bench [ingest] [--events N] [--runs N] [--parallel N]

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

var which = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)) ?? "ingest";
var root = Tools.RepoRoot();
await NpmTools.EnsureInstalledAsync(root, AzuriteProcess.Script(root));
Console.WriteLine($"CollectionsFx benchmarks on {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTimeOffset.UtcNow:yyyy-MM-dd}");

if (which is "ingest" or "all")
{
    await using var azurite = await AzuriteProcess.StartAsync(root, location: null);
    var (webhook, raw) = await IngestBenchmark.RunAsync(azurite, Option("--events", 100_000), Option("--batch", 100), Option("--runs", 3), Option("--parallel", 4));
    Console.WriteLine("  " + webhook);
    Console.WriteLine("  " + raw);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  webhook / raw = {webhook.Median / raw.Median:P0} (goal >= 70%)"));
}
