using System.Diagnostics;
using System.Globalization;

namespace CollectionsFx.Benchmarks;

/// <summary>One measured quantity over several runs.</summary>
internal sealed record Sample(string Name, string Unit, IReadOnlyList<double> Runs)
{
    public double Median => Runs.Order().ElementAt(Runs.Count / 2);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: median {Median:N0} {Unit} (runs: {string.Join(", ", Runs.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))})");
}

internal static class Measure
{
    /// <summary>Runs <paramref name="body"/> once to warm up, then <paramref name="runs"/> times; returns items per second of each measured run.</summary>
    public static async Task<List<double>> ThroughputAsync(int runs, int items, Func<int, Task> body)
    {
        await body(-1).ConfigureAwait(false);
        var result = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var watch = Stopwatch.StartNew();
            await body(r).ConfigureAwait(false);
            result.Add(items / watch.Elapsed.TotalSeconds);
        }

        return result;
    }
}
