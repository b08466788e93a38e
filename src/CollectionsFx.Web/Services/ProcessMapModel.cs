using System.Globalization;
using CollectionsFx.Contracts;

namespace CollectionsFx.Web.Services;

/// <summary>A node of the drawn process map: an activity, its label and its weight (node shade).</summary>
public sealed record MapNode(string Id, string Label, double Weight);

/// <summary>An edge of the drawn process map: its label and weight (line width).</summary>
public sealed record MapEdge(string From, string To, string Label, double Weight);

/// <summary>The process map as drawn (JSON for charts.js's processMap).</summary>
public sealed record MapGraph(IReadOnlyList<MapNode> Nodes, IReadOnlyList<MapEdge> Edges);

/// <summary>
/// What the process map shows of a directly-follows graph: the <c>activities</c> most frequent activities, and of the edges
/// between them the most frequent ones making up <c>pathShare</c> of all their transitions (the "paths" slider, as in
/// Celonis or Disco). The frequency view labels edges with counts; the performance view with the median wait, and weighs
/// them by it (slow paths are thick).
/// </summary>
public static class ProcessMapModel
{
    public static MapGraph Build(ProcessMapResponse dfg, int activities, double pathShare, bool performance)
    {
        ArgumentNullException.ThrowIfNull(dfg);
        var kept = dfg.Activities.OrderByDescending(a => a.Frequency).ThenBy(a => a.Name, StringComparer.Ordinal).Take(Math.Max(1, activities)).ToList();
        var names = kept.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var candidates = dfg.Edges.Where(e => names.Contains(e.From) && names.Contains(e.To)).OrderByDescending(e => e.Frequency).ToList();
        var total = candidates.Sum(e => (long)e.Frequency);
        var edges = new List<Domain.Mining.DfgEdge>();
        long covered = 0;
        foreach (var e in candidates)
        {
            if (edges.Count > 0 && covered >= pathShare * total)
            {
                break;
            }

            edges.Add(e);
            covered += e.Frequency;
        }

        return new MapGraph(
            [.. kept.Select(a => new MapNode(a.Name, a.Frequency.ToString("N0", CultureInfo.InvariantCulture), a.Frequency))],
            [.. edges.Select(e => performance
                ? new MapEdge(e.From, e.To, Days(e.MedianWait), e.MedianWait?.TotalDays ?? 0)
                : new MapEdge(e.From, e.To, e.Frequency.ToString("N0", CultureInfo.InvariantCulture), e.Frequency))]);
    }

    /// <summary>A wait in days, e.g. "12.5 d" (median).</summary>
    public static string Days(TimeSpan? wait) => wait is { } w ? w.TotalDays.ToString("0.#", CultureInfo.InvariantCulture) + " d" : "–";
}
