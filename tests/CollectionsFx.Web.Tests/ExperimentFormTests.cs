using CollectionsFx.Contracts;
using CollectionsFx.Domain.Experiments;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Web.Services;

namespace CollectionsFx.Web.Tests;

/// <summary>The Steering view's experiment form: the champion is the playbook in force for the population, or there is none.</summary>
public sealed class ExperimentFormTests
{
    // The shipped playbooks' populations.
    private static readonly IReadOnlyList<PlaybookOption> Playbooks =
    [
        new("strategic-low-risk", "Strategic", [Segment.Strategic], ["low", "medium"]),
        new("mid-market", "Mid-market", [Segment.MidMarket, Segment.Smb], ["low", "medium"]),
        new("high-risk", "High risk", [Segment.Strategic, Segment.MidMarket, Segment.Smb], ["high"]),
    ];

    [Theory]
    // segments, bands, the champion (null: the population mixes playbooks in force)
    [InlineData("MidMarket,Smb", "low,medium", "mid-market")]
    [InlineData("Strategic", "low", "strategic-low-risk")]
    [InlineData("Strategic,Smb", "high", "high-risk")]
    [InlineData("MidMarket", "medium,high", null)]
    [InlineData("Strategic,MidMarket", "low", null)]
    public void The_champion_is_the_one_playbook_in_force_for_the_population(string segments, string bands, string? champion)
    {
        var form = Form(segments, bands, challenger: "high-risk" == champion ? "mid-market" : "high-risk");
        Assert.Equal(champion, form.Champion(Playbooks)?.Id);
        var problems = form.Problems(Playbooks);
        if (champion is null)
        {
            var problem = Assert.Single(problems);
            Assert.StartsWith("These customers are dunned by different playbooks today", problem, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(problems);
            var design = form.ToDesign(Playbooks);
            Assert.Empty(design.Problems());
            Assert.Equal(champion, design.Arms.Single(a => a.Id == design.ChampionArm).PlaybookId);
        }
    }

    [Theory]
    // name, challenger, share %, the problem expected (by its start)
    [InlineData("", "high-risk", 50, "Name the experiment")]
    [InlineData("!!!", "high-risk", 50, "Name the experiment")]
    [InlineData("Firm", null, 50, "Choose the challenger playbook")]
    [InlineData("Firm", "mid-market", 50, "'mid-market' is already the playbook in force")]
    [InlineData("Firm", "high-risk", 2, "The challenger's share must be between 5% and 95%")]
    [InlineData("Firm", "high-risk", 96, "The challenger's share must be between 5% and 95%")]
    [InlineData("Firm", "high-risk", 50, "The smallest effect worth detecting must be between 1 and 30 days", 0)]
    [InlineData("Firm", "high-risk", 50, "The smallest effect worth detecting must be between 1 and 30 days", 31)]
    public void A_form_that_cannot_be_sent_says_why(string name, string? challenger, int percent, string expected, int effectDays = 2)
    {
        var form = Form("MidMarket,Smb", "low,medium", challenger, name);
        form.ChallengerPercent = percent;
        form.MinimumEffectDays = effectDays;
        Assert.Contains(form.Problems(Playbooks), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_design_sent_splits_the_population_as_the_form_says()
    {
        var form = Form("Smb,MidMarket", "medium,low", "high-risk", "  Firm reminders: mid-market & SMB  ");
        form.ChallengerPercent = 30;
        form.MinimumEffectDays = 4;
        var design = form.ToDesign(Playbooks);
        Assert.Equal(4, design.MinimumEffectDays);
        Assert.Equal(("firm-reminders-mid-market-smb", "Firm reminders: mid-market & SMB"), (design.Id, design.Name));
        Assert.Equal([("champion", "mid-market", 0.7), ("challenger", "high-risk", 0.3)], design.Arms.Select(a => (a.Id, a.PlaybookId, Math.Round(a.Share, 9))));
        Assert.Equal([Segment.MidMarket, Segment.Smb], design.Eligible.Segments!);
        Assert.Equal(["low", "medium"], design.Eligible.RiskBands!);
    }

    [Theory]
    [InlineData("Firm reminders", "firm-reminders")]
    [InlineData("--Über  früh--", "ber-fr-h")]
    [InlineData("A/B 2027", "a-b-2027")]
    public void An_id_is_made_from_the_name(string name, string id) => Assert.Equal(id, ExperimentForm.Slug(name));

    [Fact]
    public void A_long_name_makes_an_id_of_at_most_64_characters()
    {
        var id = ExperimentForm.Slug(string.Join(' ', Enumerable.Repeat("firmer", 20)));
        Assert.InRange(id.Length, 1, 64);
        Assert.False(id.EndsWith('-'));
        Assert.Empty(new ExperimentDesign(id, "n", "a", [new("a", "x", 0.5), new("b", "y", 0.5)], new Eligibility(), new Guardrail()).Problems());
    }

    [Theory]
    // metric, value, as a difference, text
    [InlineData("daysLate", -5.03, true, "-5.0 d")]
    [InlineData("daysLate", 6.97, false, "7.0 d")]
    [InlineData("paidWithin30Days", 0.881, false, "88.1%")]
    [InlineData("paidWithin30Days", 0.055, true, "+5.5 pts")]
    [InlineData("disputeRate", -0.02, true, "-2.0 pts")]
    [InlineData("costPerCustomer", 51.5444, false, "51.54")]
    [InlineData("promiseKeptRate", double.NaN, false, "–")]
    public void Outcomes_are_written_in_their_unit(string metric, double value, bool difference, string text) =>
        Assert.Equal(text, ExperimentText.Value(metric, value, difference));

    private static ExperimentForm Form(string segments, string bands, string? challenger, string name = "Firm")
    {
        var form = new ExperimentForm { Name = name, Challenger = challenger };
        form.Segments.Clear();
        form.RiskBands.Clear();
        foreach (var s in segments.Split(','))
        {
            form.Segments.Add(Enum.Parse<Segment>(s));
        }

        foreach (var b in bands.Split(','))
        {
            form.RiskBands.Add(b);
        }

        return form;
    }
}
