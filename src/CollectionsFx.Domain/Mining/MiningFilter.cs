namespace CollectionsFx.Domain.Mining;

/// <summary>
/// Which cases to analyse. All conditions must hold: the case has an event in [<see cref="From"/>, <see cref="To"/>);
/// each named case attribute has one of the allowed values (segment, country, collector, amountBand, ...);
/// the case follows <see cref="VariantId"/>; it contains every activity of <see cref="WithActivities"/> and none of
/// <see cref="WithoutActivities"/>.
/// </summary>
public sealed record MiningFilter
{
    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public IReadOnlyDictionary<string, IReadOnlySet<string>> Attributes { get; init; } = new Dictionary<string, IReadOnlySet<string>>();

    public int? VariantId { get; init; }

    public IReadOnlyList<string> WithActivities { get; init; } = [];

    public IReadOnlyList<string> WithoutActivities { get; init; } = [];

    /// <summary>When set, only cases whose id is in it (e.g. the invoices of a risk band, from the scores).</summary>
    public Func<string, bool>? CaseIds { get; init; }

    /// <summary>The filter that keeps every case.</summary>
    public static readonly MiningFilter None = new();

    /// <summary>The case indexes of <paramref name="variants"/>' log that pass the filter, in log order.</summary>
    public int[] Apply(VariantIndex variants)
    {
        ArgumentNullException.ThrowIfNull(variants);
        var log = variants.Log;
        var index = log.ActivityNames.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);

        // An activity the log does not have: "with" can never hold, "without" always does.
        if (WithActivities.Any(a => !index.ContainsKey(a)))
        {
            return [];
        }

        var with = WithActivities.Select(a => index[a]).ToArray();
        var without = WithoutActivities.Where(index.ContainsKey).Select(a => index[a]).ToArray();
        var columns = Attributes.Select(a => (Values: log.CaseAttributes.GetValueOrDefault(a.Key), Allowed: a.Value)).ToList();
        long from = From?.UtcTicks ?? long.MinValue, to = To?.UtcTicks ?? long.MaxValue;
        var result = new List<int>(log.CaseCount);
        for (var c = 0; c < log.CaseCount; c++)
        {
            if ((VariantId is { } v && variants.VariantOf(c) != v) || !InPeriod(log, c, from, to) || (CaseIds is { } only && !only(log.CaseIds[c])))
            {
                continue;
            }

            if (columns.Any(col => col.Values?[c] is not { } value || !col.Allowed.Contains(value)))
            {
                continue;
            }

            if (HasAll(log.ActivitiesOf(c), with) && HasNone(log.ActivitiesOf(c), without))
            {
                result.Add(c);
            }
        }

        return result.ToArray();
    }

    private static bool HasAll(ReadOnlySpan<int> activities, int[] required)
    {
        foreach (var a in required)
        {
            if (!activities.Contains(a))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasNone(ReadOnlySpan<int> activities, int[] excluded)
    {
        foreach (var a in excluded)
        {
            if (activities.Contains(a))
            {
                return false;
            }
        }

        return true;
    }

    private static bool InPeriod(MiningLog log, int c, long from, long to)
    {
        if (from == long.MinValue && to == long.MaxValue)
        {
            return true;
        }

        for (var e = log.CaseStart[c]; e < log.CaseStart[c + 1]; e++)
        {
            if (log.Ticks[e] >= from && log.Ticks[e] < to)
            {
                return true;
            }
        }

        return false;
    }
}
