using CollectionsFx.Domain.Mining;
using CollectionsFx.Domain.Mining.Interchange;

namespace CollectionsFx.Domain.Tests.Mining;

/// <summary>
/// The engine against the reference figures of tests/data/eventlogs/README.md (pm4py 2.7.11 on the same files).
/// Logs: van der Aalst (running example); de Leoni and Mannhardt (Road Traffic Fine Management, 4TU); Buijs (WABO
/// receipt phase, 4TU); Mannhardt (Hospital Billing, 4TU).
/// </summary>
public sealed class FidelityTests
{
    public static string LogPath(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CollectionsFx.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Repository root not found."), "tests", "data", "eventlogs", file);
    }

    [Theory]
    [InlineData("running-example.xes", 6, 42, 8, 6, 16)]
    [InlineData("roadtraffic100traces.xes", 100, 390, 10, 10, 18)]
    [InlineData("08_receipt.xes.gz", 1_434, 8_577, 27, 116, 99)]
    [InlineData("14_Billing_1t_per_variant.xes.gz", 1_020, 12_506, 18, 1_020, 143)]
    public void Reference_logs_give_the_reference_figures(string file, int cases, int events, int activities, int variants, int edges)
    {
        var builder = Xes.ReadFile(LogPath(file));
        var log = builder.Build();
        var index = VariantIndex.Build(log);
        var dfg = DirectlyFollows.Compute(log, log.AllCases(), performance: true);
        var stats = LogStatistics.Compute(index, log.AllCases());

        Assert.Empty(builder.Skipped);
        Assert.Equal((cases, events, activities, variants, edges), (log.CaseCount, log.EventCount, dfg.Activities.Count, index.Count, dfg.Edges.Count));
        Assert.Equal((cases, events, activities, variants, edges), (stats.Cases, stats.Events, stats.Activities, stats.Variants, stats.DfgEdges));
        Assert.Equal(cases, index.Summarize(log.AllCases()).Sum(v => v.Cases));
        Assert.Equal(events - cases, dfg.Edges.Sum(e => e.Frequency));
        Assert.Equal(cases, dfg.StartActivities.Values.Sum());
    }

    [Fact]
    public void Running_example_variants_and_edges_match_the_textbook()
    {
        var log = Xes.ReadFile(LogPath("running-example.xes")).Build();
        var dfg = DirectlyFollows.Compute(log, log.AllCases(), performance: true);

        // Every case starts with "register request" and ends with a decision on compensation.
        Assert.Equal(new Dictionary<string, int> { ["register request"] = 6 }, dfg.StartActivities);
        Assert.Equal(6, dfg.EndActivities["pay compensation"] + dfg.EndActivities["reject request"]);
        var reinitiate = dfg.Edges.Single(e => e.From == "decide" && e.To == "reinitiate request");
        Assert.Equal(3, reinitiate.Frequency);
        Assert.True(reinitiate.MedianWait > TimeSpan.Zero);
        Assert.True(reinitiate.P90Wait >= reinitiate.MedianWait);
    }
}
