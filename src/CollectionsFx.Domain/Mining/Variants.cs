using System.Runtime.InteropServices;

namespace CollectionsFx.Domain.Mining;

/// <summary>A variant: one sequence of activities, with the cases that follow it.</summary>
public sealed record Variant(int Id, IReadOnlyList<string> Activities, int Cases, double Share, TimeSpan MeanThroughput, TimeSpan MedianThroughput);

/// <summary>
/// Which variant each case of a log follows. Variants are numbered by frequency over the whole log (1 = most
/// frequent; ties by first appearance), so an id means the same variant under any filter.
/// </summary>
public sealed class VariantIndex
{
    private readonly int[] variantOfCase;
    private readonly int[] firstCase;

    private VariantIndex(MiningLog log, int[] variantOfCase, int[] firstCase)
    {
        Log = log;
        this.variantOfCase = variantOfCase;
        this.firstCase = firstCase;
    }

    public MiningLog Log { get; }

    /// <summary>Number of distinct variants in the log.</summary>
    public int Count => firstCase.Length;

    /// <summary>The variant id (1-based rank) of a case.</summary>
    public int VariantOf(int caseIndex) => variantOfCase[caseIndex];

    /// <summary>The activities of a variant.</summary>
    public IReadOnlyList<string> ActivitiesOf(int variantId)
    {
        var span = Log.ActivitiesOf(firstCase[variantId - 1]);
        var names = new string[span.Length];
        for (var i = 0; i < span.Length; i++)
        {
            names[i] = Log.ActivityNames[span[i]];
        }

        return names;
    }

    /// <summary>Groups the log's cases by their activity sequence.</summary>
    public static VariantIndex Build(MiningLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var ids = new Dictionary<Sequence, int>(new SequenceComparer(log));
        var raw = new int[log.CaseCount];
        var counts = new List<int>();
        var first = new List<int>();
        for (var c = 0; c < log.CaseCount; c++)
        {
            var key = new Sequence(c, Hash(log.ActivitiesOf(c)));
            if (!ids.TryGetValue(key, out var v))
            {
                ids[key] = v = counts.Count;
                counts.Add(0);
                first.Add(c);
            }

            raw[c] = v;
            counts[v]++;
        }

        // Rank by frequency, ties by first appearance.
        var rank = Enumerable.Range(0, counts.Count).OrderByDescending(v => counts[v]).ThenBy(v => first[v]).ToArray();
        var idOfRaw = new int[counts.Count];
        for (var r = 0; r < rank.Length; r++)
        {
            idOfRaw[rank[r]] = r + 1;
        }

        for (var c = 0; c < raw.Length; c++)
        {
            raw[c] = idOfRaw[raw[c]];
        }

        return new VariantIndex(log, raw, rank.Select(v => first[v]).ToArray());
    }

    /// <summary>Variants among <paramref name="cases"/> with counts, shares and throughput times, most frequent first.</summary>
    public IReadOnlyList<Variant> Summarize(IReadOnlyList<int> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);

        // Durations bucketed by variant (counting sort), then mean and median per bucket by selection.
        var counts = new int[Count + 2];
        foreach (var c in cases)
        {
            counts[variantOfCase[c] + 1]++;
        }

        for (var v = 1; v < counts.Length; v++)
        {
            counts[v] += counts[v - 1];
        }

        var next = (int[])counts.Clone();
        var durations = new long[cases.Count];
        foreach (var c in cases)
        {
            var (start, end) = Log.SpanOf(c);
            durations[next[variantOfCase[c]]++] = end - start;
        }

        var result = new List<Variant>();
        for (var v = 1; v <= Count; v++)
        {
            var bucket = durations.AsSpan(counts[v], counts[v + 1] - counts[v]);
            if (bucket.Length == 0)
            {
                continue;
            }

            result.Add(new Variant(
                v, ActivitiesOf(v), bucket.Length, (double)bucket.Length / cases.Count,
                TimeSpan.FromTicks((long)Stats.Mean(bucket)), TimeSpan.FromTicks((long)Stats.SelectPercentile(bucket, 0.5))));
        }

        return result.OrderByDescending(v => v.Cases).ThenBy(v => v.Id).ToList();
    }

    private static int Hash(ReadOnlySpan<int> activities)
    {
        var h = default(HashCode);
        h.AddBytes(MemoryMarshal.AsBytes(activities));
        return h.ToHashCode();
    }

    private readonly record struct Sequence(int Case, int Hash);

    private sealed class SequenceComparer(MiningLog log) : IEqualityComparer<Sequence>
    {
        public bool Equals(Sequence x, Sequence y) => x.Hash == y.Hash && log.ActivitiesOf(x.Case).SequenceEqual(log.ActivitiesOf(y.Case));

        public int GetHashCode(Sequence obj) => obj.Hash;
    }
}

/// <summary>Order statistics as numpy computes them (linear interpolation), over sorted values.</summary>
public static class Stats
{
    /// <summary>The <paramref name="p"/> quantile (0..1) of sorted values, linearly interpolated; 0 for none.</summary>
    public static double Percentile(ReadOnlySpan<long> sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var position = p * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    /// <summary>The <paramref name="p"/> quantile (0..1) of sorted values, linearly interpolated; 0 for none.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var position = p * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    /// <summary>
    /// The same quantile as <see cref="Percentile(ReadOnlySpan{long}, double)"/> over unsorted values, found by selection in linear time; reorders
    /// <paramref name="values"/>.
    /// </summary>
    public static double SelectPercentile(Span<long> values, double p)
    {
        if (values.Length == 0)
        {
            return 0;
        }

        var position = p * (values.Length - 1);
        var lower = (int)Math.Floor(position);
        var low = Select(values, lower);
        if (lower + 1 >= values.Length || position == lower)
        {
            return low;
        }

        // After selection everything right of `lower` is at least as large: the next order statistic is their minimum.
        var high = long.MaxValue;
        foreach (var v in values[(lower + 1)..])
        {
            high = Math.Min(high, v);
        }

        return low + ((high - low) * (position - lower));
    }

    /// <summary>Hoare's selection: puts the k-th smallest value at index k, smaller ones left and larger ones right.</summary>
    private static long Select(Span<long> values, int k)
    {
        int left = 0, right = values.Length - 1;
        while (left < right)
        {
            var pivot = MedianOfThree(values[left], values[left + ((right - left) / 2)], values[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                break;
            }
        }

        return values[k];
    }

    private static long MedianOfThree(long a, long b, long c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

    /// <summary>The mean; 0 for none.</summary>
    public static double Mean(ReadOnlySpan<long> values)
    {
        if (values.Length == 0)
        {
            return 0;
        }

        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }
}
