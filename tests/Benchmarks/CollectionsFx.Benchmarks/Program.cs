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
if (which is not ("mining" or "kpi" or "scoring" or "demo-model" or "experiment"))
{
    await NpmTools.EnsureInstalledAsync(root, AzuriteProcess.Script(root));
}

Console.WriteLine($"CollectionsFx benchmarks on {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTimeOffset.UtcNow:yyyy-MM-dd}");

if (which is "mining" or "all")
{
    Console.WriteLine("Process mining (pm4py reference: 150,370 cases, 561k events)");
    await MiningBenchmark.RunAsync(Option("--cases", 150_370), Option("--variants", 230), Option("--runs", 7));
}

if (which is "kpi" or "all")
{
    Console.WriteLine("KPIs vs DuckDB");
    await KpiBenchmark.RunAsync(Option("--invoices", 1_000_000), Option("--customers", 10_000), Option("--runs", 3));
}

if (which is "scoring" or "all")
{
    Console.WriteLine("Likelihood to pay");
    ScoringBenchmark.Run(Option("--invoices", 1_000_000), Option("--customers", 10_000), Option("--runs", 3));
}

if (which is "demo-model" or "all")
{
    Console.WriteLine("Likelihood to pay on the demo company");
    DemoModelBenchmark.Run(Option("--test-months", 6));
}

if (which is "experiment" or "all")
{
    Console.WriteLine("Experiment result on a demo company");
    ExperimentBenchmark.Run(Option("--customers", 3_000), Option("--runs", 5));
}

if (which is "kpi-latency" or "all")
{
    await using var azurite = await AzuriteProcess.StartAsync(root, location: null);
    Console.WriteLine("KPI endpoint latency");
    await KpiLatencyBenchmark.RunAsync(azurite, Option("--invoices", 400_000), Option("--open", 100_000), Option("--clients", 50), Option("--seconds", 60));
}

if (which is "nightly" or "all")
{
    await using var azurite = await AzuriteProcess.StartAsync(root, location: null);
    Console.WriteLine("Nightly scoring run over Azurite");
    await NightlyScoringBenchmark.RunAsync(azurite, Option("--invoices", 1_000_000), Option("--customers", 20_000));
}

if (which is "dunning" or "all")
{
    await using var azurite = await AzuriteProcess.StartAsync(root, location: null);
    Console.WriteLine("Daily dunning run over Azurite with an SMTP sink");
    await DunningBenchmark.RunAsync(azurite, Option("--customers", 10_000), Option("--minutes", 15));
}

if (which is "web" or "all")
{
    // --local-demo: over the Azurite data of `cfx up` (the demo company it seeded, prefix "cfx"; stop `cfx up` first), which
    // saves seeding ~97k events again.
    var localDemo = args.Contains("--local-demo");
    await using var azurite = await AzuriteProcess.StartAsync(root, location: localDemo ? Path.Combine(root, ".cfx", "azurite") : null);
    Console.WriteLine("Web app: published size, cold load, 5,000-row worklist scrolling, KPI and worklist API under load");
    await WebBenchmark.RunAsync(root, azurite, localDemo, Option("--runs", 5), Option("--clients", 20), Option("--seconds", 30), Option("--customers", 300), Option("--months", 24));
}

if (which is "load")
{
    // Not in "all": it runs for minutes on purpose (issue 7's sustained ingestion with 50 readers, then reconciliation).
    await using var azurite = await AzuriteProcess.StartAsync(root, location: null);
    Console.WriteLine("Load: webhook ingestion alone, then with 50 readers; reconciliation");
    await LoadBenchmark.RunAsync(root, azurite, Option("--senders", 8), Option("--alone", 120), Option("--mixed", 180), Option("--users", 50), Option("--batch", 50), Option("--customers", 300), Option("--months", 12));
}

if (which is "ingest" or "all")
{
    await using var azurite = await AzuriteProcess.StartAsync(root, location: null);
    var (webhook, raw) = await IngestBenchmark.RunAsync(azurite, Option("--events", 100_000), Option("--batch", 100), Option("--runs", 3), Option("--parallel", 4), Option("--customers", 0));
    Console.WriteLine("  " + webhook);
    Console.WriteLine("  " + raw);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  webhook / raw = {webhook.Median / raw.Median:P0} (goal >= 70%)"));
}

if (which is "csv" or "all")
{
    await using var azurite = await AzuriteProcess.StartAsync(root, location: null);
    Console.WriteLine("CSV import");
    await CsvImportBenchmark.RunAsync(azurite, [Option("--small", 100_000), Option("--rows", 1_000_000)]);
}

if (which is "eventlog" or "all")
{
    await using var azurite = await AzuriteProcess.StartAsync(root, location: null);
    Console.WriteLine("Event log load");
    var sample = await EventLogLoadBenchmark.RunAsync(azurite, Option("--events", 1_000_000), Option("--runs", 3));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {sample.Name}: median {sample.Median:0.00} s (runs: {string.Join(", ", sample.Runs.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}) (goal < 5 s)"));
}
