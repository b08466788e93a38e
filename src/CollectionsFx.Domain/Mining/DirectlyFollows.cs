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
        var activity = log.Activity;
        var ticks = log.Ticks;
        var caseStart = log.CaseStart;

        // Edges are numbered densely as they are met: edge (x, y) is slot[x * a + y] - 1.
        var slot = new Dictionary<long, int>();
        var edgeFrom = new List<int>();
        var edgeTo = new List<int>();
        var edgeCount = new List<int>();
        var dense = (long)a * a <= 1 << 20 ? new int[a * a] : null;
        int EdgeOf(int x, int y)
        {
            long key = ((long)x * a) + y;
            if (dense is not null)
            {
                ref var d = ref dense[key];
                if (d == 0)
                {
                    edgeFrom.Add(x);
                    edgeTo.Add(y);
                    edgeCount.Add(0);
                    d = edgeFrom.Count;
                }

                return d - 1;
            }

            if (!slot.TryGetValue(key, out var s))
            {
                edgeFrom.Add(x);
                edgeTo.Add(y);
                edgeCount.Add(0);
                slot[key] = s = edgeFrom.Count;
            }

            return s - 1;
        }

        var transitions = 0;
        foreach (var c in cases)
        {
            int from = caseStart[c], to = caseStart[c + 1];
            starts[activity[from]]++;
            ends[activity[to - 1]]++;
            activityCount[activity[from]]++;
            for (var e = from + 1; e < to; e++)
            {
                activityCount[activity[e]]++;
                edgeCount[EdgeOf(activity[e - 1], activity[e])]++;
            }

            transitions += to - from - 1;
        }

        var waits = performance ? Waits(log, cases, edgeCount, EdgeOf, transitions) : null;
        var names = log.ActivityNames;
        var edges = Enumerable.Range(0, edgeFrom.Count)
            .Select(i =>
            {
                var edge = new DfgEdge(names[edgeFrom[i]], names[edgeTo[i]], edgeCount[i]);
                return waits is null ? edge : edge with { MeanWait = Ticks(waits[i].Mean), MedianWait = Ticks(waits[i].Median), P90Wait = Ticks(waits[i].P90) };
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

    /// <summary>Mean, median and p90 wait per edge: waits bucketed by edge (counting sort), order statistics by selection.</summary>
    private static (double Mean, double Median, double P90)[] Waits(MiningLog log, IReadOnlyList<int> cases, List<int> edgeCount, Func<int, int, int> edgeOf, int transitions)
    {
        var offset = new int[edgeCount.Count + 1];
        for (var i = 0; i < edgeCount.Count; i++)
        {
            offset[i + 1] = offset[i] + edgeCount[i];
        }

        var next = (int[])offset.Clone();
        var values = new long[transitions];
        var activity = log.Activity;
        var ticks = log.Ticks;
        foreach (var c in cases)
        {
            for (var e = log.CaseStart[c] + 1; e < log.CaseStart[c + 1]; e++)
            {
                values[next[edgeOf(activity[e - 1], activity[e])]++] = ticks[e] - ticks[e - 1];
            }
        }

        var result = new (double, double, double)[edgeCount.Count];
        for (var i = 0; i < edgeCount.Count; i++)
        {
            var span = values.AsSpan(offset[i], edgeCount[i]);
            result[i] = (Stats.Mean(span), Stats.SelectPercentile(span, 0.5), Stats.SelectPercentile(span, 0.9));
        }

        return result;
    }

    private static TimeSpan Ticks(double ticks) => TimeSpan.FromTicks((long)Math.Round(ticks));

    private static Dictionary<string, int> Counts(IReadOnlyList<string> names, int[] counts) =>
        Enumerable.Range(0, counts.Length).Where(i => counts[i] > 0).ToDictionary(i => names[i], i => counts[i], StringComparer.Ordinal);
}
