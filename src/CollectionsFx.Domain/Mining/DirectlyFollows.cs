namespace CollectionsFx.Domain.Mining;

/// <summary>An activity of the process map with its number of events.</summary>
public sealed record DfgActivity(string Name, int Frequency);

/// <summary>
/// A directly-follows edge: <see cref="From"/> immediately followed by <see cref="To"/> in a case. Frequency counts
/// occurrences; the wait (time between the two events) is given when the performance view was asked for.
/// </summary>
public sealed record DfgEdge(string From, string To, int Frequency, TimeSpan? MeanWait = null, TimeSpan? MedianWait = null, TimeSpan? P90Wait = null);

/// <summary>The directly-follows graph (process map) of a set of cases.</summary>
public sealed record DirectlyFollowsGraph(
    int Cases,
    IReadOnlyList<DfgActivity> Activities,
    IReadOnlyList<DfgEdge> Edges,
    IReadOnlyDictionary<string, int> StartActivities,
    IReadOnlyDictionary<string, int> EndActivities);

/// <summary>Computes directly-follows graphs over columns.</summary>
public static class DirectlyFollows
{
    /// <summary>The DFG of <paramref name="cases"/>; with <paramref name="performance"/> each edge also gets mean, median and p90 wait.</summary>
    public static DirectlyFollowsGraph Compute(MiningLog log, IReadOnlyList<int> cases, bool performance)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(cases);
        var a = log.ActivityNames.Count;
        var activityCount = new int[a];
        var starts = new int[a];
        var ends = new int[a];
        var edgeCount = new Dictionary<int, int>();
        var transitions = performance ? new List<(int Edge, long Wait)>(log.EventCount) : null;
        var activity = log.Activity;
        var ticks = log.Ticks;
        var caseStart = log.CaseStart;
        foreach (var c in cases)
        {
            int from = caseStart[c], to = caseStart[c + 1];
            starts[activity[from]]++;
            ends[activity[to - 1]]++;
            activityCount[activity[from]]++;
            for (var e = from + 1; e < to; e++)
            {
                activityCount[activity[e]]++;
                var edge = (activity[e - 1] * a) + activity[e];
                edgeCount[edge] = edgeCount.GetValueOrDefault(edge) + 1;
                transitions?.Add((edge, ticks[e] - ticks[e - 1]));
            }
        }

        Dictionary<int, (double Mean, double Median, double P90)>? waits = null;
        if (transitions is not null)
        {
            waits = [];
            var sorted = transitions.ToArray();
            Array.Sort(sorted);
            var span = sorted.AsSpan();
            var buffer = new long[sorted.Length];
            for (int i = 0, j; i < span.Length; i = j)
            {
                for (j = i; j < span.Length && span[j].Edge == span[i].Edge; j++)
                {
                    buffer[j - i] = span[j].Wait;
                }

                var values = buffer.AsSpan(0, j - i);
                waits[span[i].Edge] = (Stats.Mean(values), Stats.Percentile(values, 0.5), Stats.Percentile(values, 0.9));
            }
        }

        var names = log.ActivityNames;
        var edges = edgeCount
            .Select(kv =>
            {
                var edge = new DfgEdge(names[kv.Key / a], names[kv.Key % a], kv.Value);
                return waits is not null && waits.TryGetValue(kv.Key, out var w)
                    ? edge with { MeanWait = Ticks(w.Mean), MedianWait = Ticks(w.Median), P90Wait = Ticks(w.P90) }
                    : edge;
            })
            .OrderByDescending(e => e.Frequency).ThenBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)
            .ToList();

        return new DirectlyFollowsGraph(
            cases.Count,
            Enumerable.Range(0, a).Where(i => activityCount[i] > 0).Select(i => new DfgActivity(names[i], activityCount[i]))
                .OrderByDescending(x => x.Frequency).ThenBy(x => x.Name, StringComparer.Ordinal).ToList(),
            edges,
            Counts(names, starts),
            Counts(names, ends));
    }

    private static TimeSpan Ticks(double ticks) => TimeSpan.FromTicks((long)Math.Round(ticks));

    private static Dictionary<string, int> Counts(IReadOnlyList<string> names, int[] counts) =>
        Enumerable.Range(0, counts.Length).Where(i => counts[i] > 0).ToDictionary(i => names[i], i => counts[i], StringComparer.Ordinal);
}
