using CollectionsFx.Domain.Mining;

namespace CollectionsFx.Domain.Tests.Mining;

public sealed class MiningFilterTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static VariantIndex Log()
    {
        var b = new MiningLogBuilder();
        void Case(string id, string segment, int day, params string[] activities)
        {
            b.SetCaseAttribute(id, "segment", segment);
            for (var i = 0; i < activities.Length; i++)
            {
                b.Add(id, activities[i], T.AddDays(day + i), "r" + i);
            }
        }

        Case("I1", "Smb", 0, "Create Invoice", "Clear Invoice");
        Case("I2", "Smb", 10, "Create Invoice", "Send Reminder L1", "Clear Invoice");
        Case("I3", "Strategic", 20, "Create Invoice", "Clear Invoice");
        Case("I4", "Strategic", 30, "Create Invoice", "Send Reminder L1", "Send Reminder L1", "Write Off");
        return VariantIndex.Build(b.Build());
    }

    private static string[] Ids(VariantIndex v, MiningFilter f) => f.Apply(v).Select(c => v.Log.CaseIds[c]).ToArray();

    public static TheoryData<MiningFilter, string[]> Filters => new()
    {
        { MiningFilter.None, ["I1", "I2", "I3", "I4"] },
        { new MiningFilter { From = T.AddDays(11), To = T.AddDays(21) }, ["I2", "I3"] },
        { new MiningFilter { Attributes = new Dictionary<string, IReadOnlySet<string>> { ["segment"] = new HashSet<string> { "Strategic" } } }, ["I3", "I4"] },
        { new MiningFilter { Attributes = new Dictionary<string, IReadOnlySet<string>> { ["country"] = new HashSet<string> { "DE" } } }, [] },
        { new MiningFilter { VariantId = 1 }, ["I1", "I3"] },
        { new MiningFilter { WithActivities = ["Send Reminder L1"] }, ["I2", "I4"] },
        { new MiningFilter { WithoutActivities = ["Send Reminder L1"] }, ["I1", "I3"] },
        { new MiningFilter { WithActivities = ["Send Reminder L1"], WithoutActivities = ["Write Off"] }, ["I2"] },
        { new MiningFilter { WithActivities = ["No Such Activity"] }, [] },
        { new MiningFilter { WithoutActivities = ["No Such Activity"] }, ["I1", "I2", "I3", "I4"] },
        { new MiningFilter { CaseIds = id => id is "I2" or "I4" or "I9" }, ["I2", "I4"] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public void Filters_keep_the_cases_that_meet_every_condition(MiningFilter filter, string[] expected) =>
        Assert.Equal(expected, Ids(Log(), filter));

    [Fact]
    public void Variant_ids_rank_by_frequency_and_stay_the_same_under_a_filter()
    {
        var v = Log();
        var all = v.Summarize(v.Log.AllCases());
        var strategic = v.Summarize(new MiningFilter { WithActivities = ["Write Off"] }.Apply(v));

        Assert.Equal([(1, 2), (2, 1), (3, 1)], all.Select(x => (x.Id, x.Cases)));
        Assert.Equal(["Create Invoice", "Clear Invoice"], all[0].Activities);
        Assert.Equal(0.5, all[0].Share);
        Assert.Equal(TimeSpan.FromDays(1), all[0].MedianThroughput);
        Assert.Equal(3, strategic.Single().Id);
    }

    [Fact]
    public void Statistics_count_rework_resources_and_throughput()
    {
        var v = Log();
        var stats = LogStatistics.Compute(v, v.Log.AllCases());

        Assert.Equal(1, stats.ReworkCases);
        Assert.Equal(1, stats.ActivityStats.Single(a => a.Name == "Send Reminder L1").ReworkCases);
        Assert.Equal(3, stats.ActivityStats.Single(a => a.Name == "Send Reminder L1").Events);
        Assert.Equal(2, stats.ActivityStats.Single(a => a.Name == "Send Reminder L1").Cases);
        Assert.Equal(4, stats.ResourceStats.Single(r => r.Name == "r0").Events);
        Assert.Equal((TimeSpan.FromDays(1), TimeSpan.FromDays(3), TimeSpan.FromDays(1.5)), (stats.Throughput.Min, stats.Throughput.Max, stats.Throughput.Median));
        Assert.Equal(4, stats.Throughput.Histogram.Sum(b => b.Cases));
    }

    [Fact]
    public void Performance_dfg_gives_mean_median_and_p90_waits_per_edge()
    {
        var b = new MiningLogBuilder();
        for (var i = 1; i <= 10; i++)
        {
            b.Add("C" + i, "A", T);
            b.Add("C" + i, "B", T.AddHours(i));
        }

        var log = b.Build();
        var edge = DirectlyFollows.Compute(log, log.AllCases(), performance: true).Edges.Single();

        Assert.Equal((10, TimeSpan.FromHours(5.5), TimeSpan.FromHours(5.5), TimeSpan.FromHours(9.1)), (edge.Frequency, edge.MeanWait!.Value, edge.MedianWait!.Value, edge.P90Wait!.Value));
        Assert.Null(DirectlyFollows.Compute(log, log.AllCases(), performance: false).Edges.Single().MeanWait);
    }
}
