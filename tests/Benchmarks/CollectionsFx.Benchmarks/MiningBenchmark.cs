using System.Diagnostics;
using System.Globalization;
using System.Text;
using CollectionsFx.Api.Mining;
using CollectionsFx.Domain.Mining;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// Process mining at the scale of the pm4py reference (150,370 cases, 561k events): a generated AR log with 11 activities
/// and about 230 variants of Zipf-like (heavy-tailed) frequency, as CSV. Times CSV load, variants, frequency DFG,
/// performance DFG and case durations, each step separately, after a warm-up; reports medians and the peak memory.
/// </summary>
internal static class MiningBenchmark
{
    private static readonly string[] Activities =
    [
        "Create Invoice", "Send Invoice", "Due Date Passed", "Send Reminder L1", "Send Reminder L2", "Record Promise to Pay",
        "Open Dispute", "Resolve Dispute", "Receive Partial Payment", "Clear Invoice", "Write Off",
    ];

    public static async Task RunAsync(int cases, int variants, int runs)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cfx-mining-{cases}.csv");
        var (events, distinct) = Generate(path, cases, variants, seed: 7);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  log: {cases:N0} cases, {events:N0} events, {Activities.Length} activities, {distinct} variants, {new FileInfo(path).Length / 1e6:0.0} MB CSV"));
        var mapping = new EventLogMapping { Case = "case_id", Activity = "activity", Timestamp = "timestamp", Resource = "resource" };

        var steps = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        void Time(string step, Action action, bool record)
        {
            var watch = Stopwatch.StartNew();
            action();
            if (record)
            {
                (steps.TryGetValue(step, out var list) ? list : steps[step] = []).Add(watch.Elapsed.TotalSeconds);
            }
        }

        long peakHeap = 0;
        const int WarmUps = 5;
        for (var run = -WarmUps; run < runs; run++)
        {
            var record = run >= 0;
            GC.Collect();
            MiningLog log = null!;
            VariantIndex index = null!;
            int[] all = [];
            MiningLogBuilder builder = null!;
            Time("CSV load", () =>
            {
                var watch = Stopwatch.StartNew();
                builder = CsvEventLog.ReadFile(path, mapping);
                var parse = watch.Elapsed.TotalSeconds;
                log = builder.Build();
                if (record)
                {
                    (steps.TryGetValue("  parse", out var p) ? p : steps["  parse"] = []).Add(parse);
                    (steps.TryGetValue("  build", out var b) ? b : steps["  build"] = []).Add(watch.Elapsed.TotalSeconds - parse);
                }
            }, record);
            all = log.AllCases();
            Time("variants", () => index = VariantIndex.Build(log).Also(i => i.Summarize(all)), record);
            Time("frequency DFG", () => DirectlyFollows.Compute(log, all, performance: false), record);
            Time("performance DFG", () => DirectlyFollows.Compute(log, all, performance: true), record);
            Time("case durations", () => LogStatistics.CaseDurations(log, all), record);
            peakHeap = Math.Max(peakHeap, GC.GetGCMemoryInfo().HeapSizeBytes);
            if (log.EventCount != events || index.Count != distinct)
            {
                throw new InvalidOperationException($"Read {log.EventCount} events and {index.Count} variants, expected {events} and {distinct}.");
            }
        }

        (string Step, double Low, double High)[] pm4py =
            [("CSV load", 1.1, 1.1), ("variants", 0.28, 0.30), ("frequency DFG", 0.73, 0.92), ("performance DFG", 0.63, 0.76), ("case durations", 0.59, 0.78)];
        double total = 0, pmTotal = 0;
        foreach (var (step, low, high) in pm4py)
        {
            var median = steps[step].Order().ElementAt(steps[step].Count / 2);
            total += median;
            pmTotal += low;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {step,-16} median {median * 1000,8:0.0} ms (runs {string.Join(" / ", steps[step].Select(s => (s * 1000).ToString("0.0", CultureInfo.InvariantCulture)))})  pm4py {low:0.00}-{high:0.00} s  → {low / median:0}× faster"));
        }

        foreach (var part in new[] { "  parse", "  build" })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (CSV load{part}: median {steps[part].Order().ElementAt(steps[part].Count / 2) * 1000:0.0} ms)"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  end to end       {total * 1000,8:0.0} ms  pm4py ≥ {pmTotal:0.00} s → {pmTotal / total:0}× faster"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  peak memory: process working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB, managed heap {peakHeap / 1e6:0} MB (pm4py 880 MB)"));
        File.Delete(path);
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Writes the log; returns its event and variant counts.</summary>
    private static (int Events, int Variants) Generate(string path, int cases, int variantCount, int seed)
    {
        var rng = new Random(seed);
        // Short happy paths (cleared directly, after sending, after a partial payment, ...), then random dunning paths.
        int[][] happy = [[0, 9], [0, 1, 9], [0, 8, 9], [0, 1, 8, 9], [0, 2, 9], [0, 1, 2, 9], [0, 2, 3, 9], [0, 10], [0, 1, 10], [0, 7, 9]];
        var paths = new List<int[]>(happy);
        var seen = new HashSet<string>(happy.Select(h => string.Join(',', h)), StringComparer.Ordinal);
        while (paths.Count < variantCount)
        {
            var p = RandomPath(rng);
            if (seen.Add(string.Join(',', p)))
            {
                paths.Add(p);
            }
        }

        // The happy paths are the frequent ones, as in real AR logs.
        paths.Sort((a, b) => a.Length.CompareTo(b.Length));

        // Zipf weights (s = 1.25): a few variants carry most cases, as in real logs; about 3.7 events per case.
        var weights = Enumerable.Range(1, variantCount).Select(r => 1.0 / Math.Pow(r, 1.25)).ToArray();
        var cumulative = new double[variantCount];
        var sum = 0.0;
        for (var i = 0; i < variantCount; i++)
        {
            sum += weights[i];
            cumulative[i] = sum;
        }

        var used = new HashSet<int>();
        var events = 0;
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("case_id,activity,timestamp,resource\n");
        for (var c = 0; c < cases; c++)
        {
            // Every variant at least once, then by weight.
            var v = c < variantCount ? c : Array.BinarySearch(cumulative, rng.NextDouble() * sum) is var i && i < 0 ? ~i : i;
            used.Add(v);
            var t = start.AddMinutes(rng.Next(0, 60 * 24 * 700));
            foreach (var a in paths[v])
            {
                t = t.AddMinutes(rng.Next(10, 60 * 24 * 20));
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"INV-{c:D7},{Activities[a]},{t:yyyy-MM-ddTHH:mm:ssZ},{(a is 3 or 4 ? "automation" : "u" + rng.Next(12))}\n"));
                events++;
            }
        }

        return (events, used.Count);
    }

    /// <summary>A random walk through the AR process: created, sent, then paid on time or dunned, disputed, promised, paid or written off.</summary>
    private static int[] RandomPath(Random rng)
    {
        var path = new List<int> { 0, 1 };
        if (rng.NextDouble() < 0.1)
        {
            path.Add(rng.NextDouble() < 0.5 ? 9 : 8);
            path.Add(9);
            return [.. path];
        }

        path.Add(2);
        var steps = rng.Next(1, 5);
        for (var s = 0; s < steps; s++)
        {
            path.Add(rng.Next(3, 9));
        }

        path.Add(rng.NextDouble() < 0.9 ? 9 : 10);
        return [.. path];
    }

    private static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
