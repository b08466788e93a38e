using System.Text.Json;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Cli.Demo;
using CollectionsFx.Domain.Experiments;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.IntegrationTests.Experiments;

/// <summary>
/// The experiment analysis over the demo company (the generator every demo and benchmark uses), with a known truth: half the
/// customers are assigned to a challenger whose invoices due during the experiment are paid earlier by a known number of
/// days. With that effect the verdict finds it; with none (an A/A test) it claims one at about its stated rate over seeds.
/// </summary>
public sealed class DemoExperimentSimulationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly DateOnly Today = new(2026, 12, 4);
    private static readonly DateOnly Start = Today.AddDays(-120);

    private static readonly ExperimentDesign Design = new(
        "demo-exp", "Firmer reminders", "champion", [new ExperimentArm("champion", "mid-market", 0.5), new ExperimentArm("challenger", "firm", 0.5)], new Eligibility(), new Guardrail());

    /// <summary>The demo company of <paramref name="seed"/> with the challenger's invoices due from the start shifted; the analysis as of today.</summary>
    private static ExperimentResult Run(int seed, int shiftDays, int customers = 300)
    {
        var ids = Enumerable.Range(1, customers).Select(n => $"CUST-{n:D4}").ToList();
        var design = Design with { Id = $"demo-exp-{seed}" };
        var assignment = ArmAssignment.AssignAtStart(design, ids.Select(id => (id, "medium")));
        var options = new DemoOptions(Customers: customers, Months: 8, Seed: seed)
        {
            PaymentShift = (customer, due) => due >= Start && assignment[customer] == "challenger" ? shiftDays : 0,
        };
        var records = DemoCompany.Generate(options, Today).Select(Record).OfType<LedgerRecord>().ToList();
        var book = ArBook.Build(LedgerTimeline.FromRecords(records).At(DateTimeOffset.MaxValue), Rates(options), BusinessCalendar.Utc);
        return ExperimentAnalysis.Analyse(design, assignment, book.Accounts, Start, Today, CostModel.Default);
    }

    private static ExchangeRates Rates(DemoOptions options) => ExchangeRates.ParseCsv("EUR", new StringReader(DemoCompany.RatesCsv(options, Today)));

    private static LedgerRecord? Record(DemoEvent e)
    {
        var envelope = new JsonObject
        {
            ["specversion"] = "1.0", ["id"] = e.Id, ["source"] = "urn:collectionsfx:demo:" + e.Source, ["type"] = e.Type,
            ["time"] = e.Time.ToString("O"), ["datacontenttype"] = "application/json", ["data"] = e.Data.DeepClone(),
        };
        var mapped = CloudEventMapper.Map(JsonSerializer.SerializeToElement(envelope), e.Time, "demo");
        Assert.Empty(mapped.Errors);
        return mapped.Record;
    }

    [Fact]
    public void A_challenger_paid_five_days_earlier_is_found_with_the_effect_inside_its_interval()
    {
        var result = Run(seed: 17, shiftDays: -5);

        var effect = result.Effects.Single(e => e.Metric == "daysLate");
        output.WriteLine($"{effect.Verdict} ({effect.ChampionCustomers} and {effect.ArmCustomers} customers; {result.RequiredPerArm} per arm needed for {Design.MinimumEffectDays} day)");
        Assert.True(effect.Decisive, effect.Verdict);
        Assert.True(effect.Difference < 0, effect.Verdict);
        Assert.True(effect.Low <= -5 && -5 <= effect.High, $"the true effect -5 is outside [{effect.Low:0.0}, {effect.High:0.0}]: {effect.Verdict}");
        Assert.StartsWith("challenger collects ", effect.Verdict, StringComparison.Ordinal);
        Assert.Contains("days faster, 95% CI", effect.Verdict, StringComparison.Ordinal);
        Assert.Empty(result.GuardrailStops);
    }

    [Fact]
    public void With_no_effect_the_verdict_claims_one_at_about_the_stated_rate_over_seeds()
    {
        const int Seeds = 40;
        var claims = Enumerable.Range(100, Seeds).Count(seed => Run(seed, shiftDays: 0, customers: 120).Effects.Single(e => e.Metric == "daysLate").Decisive);

        // 5% nominal: over 40 seeds a correct procedure claims an effect in at most 6 (P ≈ 0.99).
        output.WriteLine($"A/A: an effect claimed in {claims} of {Seeds} demo companies");
        Assert.InRange(claims, 0, 6);
    }
}
