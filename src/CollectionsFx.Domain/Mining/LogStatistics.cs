namespace CollectionsFx.Domain.Mining;

/// <summary>How often an activity happens, in how many cases, and in how many cases more than once (rework).</summary>
public sealed record ActivityStat(string Name, int Events, int Cases, int ReworkCases);

/// <summary>How much a resource did.</summary>
public sealed record ResourceStat(string Name, int Events, int Cases);

/// <summary>One bar of the case throughput histogram: cases whose duration is in [From, To).</summary>
public sealed record DurationBin(TimeSpan From, TimeSpan To, int Cases);

/// <summary>Case throughput times (first to last event).</summary>
public sealed record ThroughputStats(int Cases, TimeSpan Min, TimeSpan P25, TimeSpan Median, TimeSpan Mean, TimeSpan P75, TimeSpan P90, TimeSpan Max, IReadOnlyList<DurationBin> Histogram);

/// <summary>Overview of a set of cases.</summary>
public sealed record LogStats(
    int Cases, int Events, int Activities, int Variants, int DfgEdges, int ReworkCases,
    IReadOnlyList<ActivityStat> ActivityStats, IReadOnlyList<ResourceStat> ResourceStats, ThroughputStats Throughput);

/// <summary>Case durations, activity and resource statistics, rework.</summary>
public static class LogStatistics
{
    /// <summary>Throughput time of each case in <paramref name="cases"/>, in ticks, in the same order.</summary>
    public static long[] CaseDurations(MiningLog log, IReadOnlyList<int> cases)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(cases);
        var durations = new long[cases.Count];
        for (var i = 0; i < durations.Length; i++)
        {
            var (start, end) = log.SpanOf(cases[i]);
            durations[i] = end - start;
        }

        return durations;
    }

    /// <summary>Distribution of case throughput times, with a histogram of <paramref name="bins"/> equal bars.</summary>
    public static ThroughputStats Throughput(MiningLog log, IReadOnlyList<int> cases, int bins = 20)
    {
        var sorted = CaseDurations(log, cases);
        Array.Sort(sorted);
        TimeSpan At(double p) => TimeSpan.FromTicks((long)Math.Round(Stats.Percentile(sorted, p)));
        var histogram = new List<DurationBin>();
        if (sorted.Length > 0)
        {
            var min = sorted[0];
            var width = Math.Max(1, ((sorted[^1] - min) / bins) + 1);
            var counts = new int[bins];
            foreach (var d in sorted)
            {
                counts[Math.Min(bins - 1, (int)((d - min) / width))]++;
            }

            for (var b = 0; b < bins; b++)
            {
                histogram.Add(new DurationBin(TimeSpan.FromTicks(min + (b * width)), TimeSpan.FromTicks(min + ((b + 1) * width)), counts[b]));
            }
        }

        return new ThroughputStats(
            sorted.Length, At(0), At(0.25), At(0.5), TimeSpan.FromTicks((long)Math.Round(Stats.Mean(sorted))), At(0.75), At(0.9), At(1), histogram);
    }

    /// <summary>Everything at once for <paramref name="cases"/>.</summary>
    public static LogStats Compute(VariantIndex variants, IReadOnlyList<int> cases)
    {
        ArgumentNullException.ThrowIfNull(variants);
        ArgumentNullException.ThrowIfNull(cases);
        var log = variants.Log;
        var a = log.ActivityNames.Count;
        var events = new int[a];
        var inCases = new int[a];
        var rework = new int[a];
        var resourceEvents = new int[log.ResourceNames.Count];
        var resourceCases = new int[log.ResourceNames.Count];
        var seen = new int[a];
        var timesInCase = new int[a]; // valid where seen[act] == the current case
        var resourceSeen = new int[log.ResourceNames.Count];
        Array.Fill(seen, -1);
        Array.Fill(resourceSeen, -1);
        var reworkCases = 0;
        var eventCount = 0;
        var variantSet = new HashSet<int>();
        var edges = new HashSet<int>();
        foreach (var c in cases)
        {
            variantSet.Add(variants.VariantOf(c));
            var caseRework = false;
            var span = log.ActivitiesOf(c);
            eventCount += span.Length;
            for (var i = 0; i < span.Length; i++)
            {
                var act = span[i];
                events[act]++;
                if (i > 0)
                {
                    edges.Add((span[i - 1] * a) + act);
                }

                if (seen[act] != c)
                {
                    seen[act] = c;
                    inCases[act]++;
                    timesInCase[act] = 1;
                }
                else if (++timesInCase[act] == 2)
                {
                    rework[act]++;
                    caseRework = true;
                }

                var r = log.Resource[log.CaseStart[c] + i];
                resourceEvents[r]++;
                if (resourceSeen[r] != c)
                {
                    resourceSeen[r] = c;
                    resourceCases[r]++;
                }
            }

            reworkCases += caseRework ? 1 : 0;
        }

        var activityStats = Enumerable.Range(0, a).Where(i => events[i] > 0)
            .Select(i => new ActivityStat(log.ActivityNames[i], events[i], inCases[i], rework[i]))
            .OrderByDescending(s => s.Events).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        var resourceStats = Enumerable.Range(0, resourceEvents.Length).Where(i => resourceEvents[i] > 0)
            .Select(i => new ResourceStat(i == 0 ? "(none)" : log.ResourceNames[i], resourceEvents[i], resourceCases[i]))
            .OrderByDescending(s => s.Events).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        return new LogStats(cases.Count, eventCount, activityStats.Count, variantSet.Count, edges.Count, reworkCases, activityStats, resourceStats, Throughput(log, cases));
    }
}
