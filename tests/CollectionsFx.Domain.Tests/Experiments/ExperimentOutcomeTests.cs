using CollectionsFx.Domain.Experiments;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Tests.Insights;

namespace CollectionsFx.Domain.Tests.Experiments;

public sealed class ExperimentOutcomeTests
{
    private static readonly DateOnly From = Ar.D("2026-03-01");
    private static readonly DateOnly AsOf = Ar.D("2026-04-30");

    private static ArAccount Account() => new Ar()
        .Customer("C1")
        .Invoice("I0", "2026-01-20", "2026-02-20", 999m)               // due before the experiment: not its outcome
        .Invoice("I1", "2026-02-08", "2026-03-10", 100m)
        .Invoice("I2", "2026-02-18", "2026-03-20", 300m)
        .Pay("P1", "2026-03-15", 100m, allocations: ("I1", 100m))       // five days late
        .Promise("PR1", "2026-03-21", "2026-03-25", 300m, 2, "I2")      // deadline 27 March; nothing paid: broken
        .Action("A1", Ar.Noon(Ar.D("2026-03-22")), ActionKind.Call)
        .Action("A0", Ar.Noon(Ar.D("2026-02-22")), ActionKind.Call)     // before the experiment
        .Book().Accounts.Single();

    [Fact]
    public void Outcomes_follow_the_kpi_definitions_over_the_experiments_window()
    {
        var outcome = ExperimentOutcomes.Of(Account(), From, AsOf, CostModel.Default);

        Assert.Equal((100 * 5 + 300 * 41) / 400.0, outcome.DaysLate!.Value, 6); // I2 still open: 41 days so far
        Assert.Equal(0.25, outcome.PaidWithin30Days!.Value, 6);                // I1's 100 of 400 within 30 days of due
        Assert.Equal(0.0, outcome.PromiseKeptRate);
        Assert.Equal(0.0, outcome.DisputeRate);
        Assert.Equal((double)CostModel.Default.CostOf(ActionKind.Call, false), outcome.Cost);
    }

    [Fact]
    public void Early_in_the_experiment_there_is_nothing_to_measure_yet()
    {
        var outcome = ExperimentOutcomes.Of(Account(), From, Ar.D("2026-03-05"), CostModel.Default);

        Assert.Null(outcome.DaysLate);
        Assert.Null(outcome.PaidWithin30Days);
        Assert.Null(outcome.PromiseKeptRate);
    }

    [Fact]
    public void The_analysis_compares_each_challenger_with_the_champion_and_draws_the_weekly_curve()
    {
        // Forty customers per arm: the challenger's pay five days after due, the champion's twenty.
        var ar = new Ar();
        var design = new ExperimentDesign("exp-a", "Earlier call", "A", [new ExperimentArm("A", "mid-market", 0.5), new ExperimentArm("B", "early-call", 0.5)], new Eligibility(), new Guardrail());
        var assignment = new Dictionary<string, string>();
        for (var i = 0; i < 80; i++)
        {
            var customer = "K" + i;
            var arm = i % 2 == 0 ? "A" : "B";
            assignment[customer] = arm;
            var due = From.AddDays(i % 20);
            ar.Customer(customer).Invoice(customer + "-1", due.AddDays(-30).ToString("yyyy-MM-dd"), due.ToString("yyyy-MM-dd"), 500m + i, customer);
            ar.Pay(customer + "-P", due.AddDays(arm == "A" ? 20 + (i % 3) : 5 + (i % 3)).ToString("yyyy-MM-dd"), 500m + i, customer, allocations: (customer + "-1", 500m + i));
        }

        var result = ExperimentAnalysis.Analyse(design, assignment, ar.Book().Accounts, From, AsOf, CostModel.Default);

        Assert.Equal(new Dictionary<string, int> { ["A"] = 40, ["B"] = 40 }, result.CustomersPerArm);
        var days = result.Effects.Single(e => e.Metric == "daysLate" && e.Arm == "B");
        Assert.Equal(-15, days.Difference, 0);
        Assert.True(days.Decisive);
        Assert.StartsWith("B collects 15.0 days faster, 95% CI", days.Verdict, StringComparison.Ordinal);
        Assert.Empty(result.GuardrailStops);
        Assert.Equal(0, result.DaysToDecision);
        // The weekly curve: both arms from the first week on, the champion above the challenger once invoices are paid.
        var last = result.Cumulative.Where(p => p.WeekEnd == result.Cumulative.Max(c => c.WeekEnd)).ToDictionary(p => p.Arm);
        Assert.True(last["A"].MeanDaysLate > last["B"].MeanDaysLate);
        Assert.Equal(9, result.Cumulative.Count / 2);
    }
}
