using System.Text;
using CollectionsFx.Domain.Mining;
using CollectionsFx.Domain.Mining.Interchange;

namespace CollectionsFx.Domain.Tests.Mining;

public sealed class InterchangeTests
{
    private static List<MiningEvent> AllEvents(MiningLog log) => Enumerable.Range(0, log.CaseCount).SelectMany(log.EventsOf).ToList();

    [Theory]
    [InlineData("running-example.xes", false)]
    [InlineData("roadtraffic100traces.xes", true)]
    [InlineData("08_receipt.xes.gz", true)]
    [InlineData("14_Billing_1t_per_variant.xes.gz", false)]
    public void Xes_export_reads_back_to_the_same_log(string file, bool gzip)
    {
        var original = Xes.ReadFile(FidelityTests.LogPath(file)).Build();
        using var buffer = new MemoryStream();

        Xes.Write(original, buffer, gzip);
        buffer.Position = 0;
        var back = Xes.Read(buffer).Build();

        Assert.Equal(AllEvents(original), AllEvents(back));
        Assert.Equal(VariantIndex.Build(original).Count, VariantIndex.Build(back).Count);
        foreach (var (name, column) in original.CaseAttributes)
        {
            Assert.Equal(column, back.CaseAttributes[name]);
        }
    }

    [Fact]
    public async Task Ocel_export_flattened_on_the_case_type_reads_back_to_the_same_log()
    {
        var original = Xes.ReadFile(FidelityTests.LogPath("08_receipt.xes.gz")).Build();
        using var buffer = new MemoryStream();

        await Ocel.WriteAsync(buffer, Ocel.FromMiningLog(original, "application"));
        buffer.Position = 0;
        var back = Ocel.Read(buffer, "application").Build();

        Assert.Equal(AllEvents(original), AllEvents(back));
        buffer.Position = 0;
        using var json = System.Text.Json.JsonDocument.Parse(buffer);
        Assert.Equal(["events", "objects", "eventTypes", "objectTypes"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(original.CaseCount, json.RootElement.GetProperty("objects").GetArrayLength());
        Assert.Equal(27, json.RootElement.GetProperty("eventTypes").GetArrayLength());
    }

    private static MiningLogBuilder ReadXes(string xml) => Xes.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)));

    [Fact]
    public void Events_without_timestamp_or_activity_and_traces_without_a_name_are_skipped_and_reported_with_their_line()
    {
        var builder = ReadXes("""
            <log>
            <trace><string key="concept:name" value="1"/>
              <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2026-01-01T10:00:00Z"/></event>
              <event><string key="concept:name" value="B"/></event>
              <event><date key="time:timestamp" value="2026-01-01T11:00:00Z"/></event>
              <event><string key="concept:name" value="C"/><date key="time:timestamp" value="yesterday"/></event>
            </trace>
            <trace><event><string key="concept:name" value="A"/><date key="time:timestamp" value="2026-01-01T10:00:00Z"/></event></trace>
            </log>
            """);

        Assert.Equal(1, builder.Build().EventCount);
        Assert.Equal(
            [("line 4", "event of case '1' has no time:timestamp: skipped"), ("line 5", "event of case '1' has no concept:name (activity): skipped"),
             ("line 6", "event of case '1' has an invalid time:timestamp 'yesterday' (line 6): skipped"),
             ("line 8", "trace 2 has no concept:name (case id): its 1 events are skipped")],
            builder.Skipped.Select(s => (s.Where, s.Reason)));
    }

    [Theory]
    [InlineData("<log><trace><event></trace></log>", "XES line 1")]
    [InlineData("<log>\n<trace>\n<string key=\"concept:name\" value=\"1\">\n</log>", "XES line 4")]
    [InlineData("<!DOCTYPE log [<!ENTITY x \"y\">]><log/>", "XES line 1")]
    public void Malformed_xes_is_an_error_naming_the_line(string xml, string expected)
    {
        var e = Assert.Throws<FormatException>(() => ReadXes(xml));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_of_a_case_are_ordered_by_time_and_ties_keep_file_order()
    {
        var log = ReadXes("""
            <log><trace><string key="concept:name" value="1"/>
              <event><string key="concept:name" value="C"/><date key="time:timestamp" value="2026-01-01T12:00:00Z"/></event>
              <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2026-01-01T10:00:00Z"/></event>
              <event><string key="concept:name" value="B2"/><date key="time:timestamp" value="2026-01-01T11:00:00+00:00"/></event>
              <event><string key="concept:name" value="B1"/><date key="time:timestamp" value="2026-01-01T12:00:00+01:00"/></event>
            </trace></log>
            """).Build();

        Assert.Equal(["A", "B2", "B1", "C"], log.EventsOf(0).Select(e => e.Activity));
    }

    [Fact]
    public void Ocel_input_problems_are_named_by_json_path()
    {
        var bad = Assert.Throws<FormatException>(() => Ocel.Read(new MemoryStream("{\"events\": [}"u8.ToArray()), "invoice"));
        Assert.Contains("line 1", bad.Message, StringComparison.Ordinal);

        var builder = Ocel.Read(
            new MemoryStream("""{"objects":[{"id":"I1","type":"invoice"}],"events":[{"id":"e1","type":"A","relationships":[{"objectId":"I1"}]}]}"""u8.ToArray()),
            "invoice");
        Assert.Equal(("$.events[0]", "has no valid time ('')"), (builder.Skipped.Single().Where, builder.Skipped.Single().Reason));
    }
}
