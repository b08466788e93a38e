using System.Text.Json;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Ledger;
using Json.Schema;

namespace CollectionsFx.Domain.Tests.Dunning;

public sealed class PlaybookTests
{
    private static string Resource(string name)
    {
        using var stream = typeof(PlaybookSet).Assembly.GetManifestResourceStream(name)!;
        return new StreamReader(stream).ReadToEnd();
    }

    private static readonly string Shipped = Resource("dunning/playbooks.json");

    // Built once: the schema library registers a schema by its $id and refuses a second registration.
    private static readonly JsonSchema Schema = JsonSchema.FromText(Resource("dunning/playbooks.schema.json"));

    [Theory]
    [InlineData(Segment.Strategic, "low", "strategic-low-risk")]
    [InlineData(Segment.Strategic, "medium", "strategic-low-risk")]
    [InlineData(Segment.Strategic, "high", "high-risk")]
    [InlineData(Segment.MidMarket, "low", "mid-market")]
    [InlineData(Segment.Smb, null, "mid-market")]       // unscored is treated as medium
    [InlineData(Segment.Smb, "unscored", "mid-market")]
    [InlineData(Segment.Smb, "high", "high-risk")]
    public void The_shipped_playbooks_cover_every_segment_and_risk_band(Segment segment, string? band, string playbook) =>
        Assert.Equal(playbook, PlaybookSet.Default().For(segment, band).Id);

    [Fact]
    public void The_shipped_playbooks_follow_the_published_schema_and_run_in_days()
    {
        Assert.True(Schema.Evaluate(JsonDocument.Parse(Shipped).RootElement).IsValid);
        Assert.Equal(TimeSpan.FromDays(1), PlaybookSet.Default().DayLength);
        Assert.All(PlaybookSet.Default().Playbooks, p => Assert.Equal(p.Steps.OrderBy(s => s.Day).Select(s => s.Id), p.Steps.Select(s => s.Id)));
    }

    /// <summary>Each case breaks the shipped file in one place; the loader names that place, and the schema refuses it too where it can.</summary>
    [Theory]
    [InlineData("\"day\": -5,", "\"day\": 0,", "$.playbooks[0].steps[0].day", "not 0", true)]
    [InlineData("\"day\": 7,", "\"day\": -9,", "$.playbooks[0].steps[1].day", "later than the step before", false)]
    [InlineData("\"channel\": \"callTask\"", "\"channel\": \"fax\"", "$.playbooks[0].steps[2].channel", "one of email", true)]
    [InlineData("\"requiresApproval\": true }", "\"requiresAproval\": true }", "$.playbooks[0].steps[4].requiresAproval", "not a known property", true)]
    [InlineData("\"segments\": [\"Strategic\"]", "\"segments\": [\"Enterprise\"]", "$.playbooks[0].match.segments[0]", "not a segment", true)]
    [InlineData("\"riskBands\": [\"high\"]", "\"riskBands\": [\"medium\"]", "$.playbooks", "no playbook for segment Strategic and risk band high", false)]
    [InlineData("\"minimumOpenAmount\": 500 }", "\"minimumOpenAmount\": -1 }", "$.playbooks[0].steps[1].minimumOpenAmount", "≥ 0", true)]
    [InlineData("\"dayLength\": \"1.00:00:00\"", "\"dayLength\": \"fast\"", "$.dayLength", "positive duration", true)]
    [InlineData("\"id\": \"mid-market\"", "\"id\": \"strategic-low-risk\"", "$.playbooks[1].id", "used by an earlier playbook", false)]
    public void An_invalid_playbook_is_refused_naming_the_json_path(string find, string replace, string path, string message, bool schemaRefusesToo)
    {
        var at = Shipped.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' not in the shipped file");
        var broken = string.Concat(Shipped.AsSpan(0, at), replace, Shipped.AsSpan(at + find.Length));

        var (set, errors) = PlaybookSet.Parse(broken);

        Assert.Null(set);
        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal(!schemaRefusesToo, Schema.Evaluate(JsonDocument.Parse(broken).RootElement).IsValid);
    }

    [Fact]
    public void Not_json_is_an_error_at_the_root()
    {
        var (set, errors) = PlaybookSet.Parse("{ playbooks: ");

        Assert.Null(set);
        Assert.Equal("$", errors.Single().Path);
    }

    [Fact]
    public void A_test_day_can_last_milliseconds()
    {
        var (set, errors) = PlaybookSet.Parse(Shipped.Replace("\"1.00:00:00\"", "\"00:00:00.050\"", StringComparison.Ordinal));

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromMilliseconds(50), set!.DayLength);
    }
}
