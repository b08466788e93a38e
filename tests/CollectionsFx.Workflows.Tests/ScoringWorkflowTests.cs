using CollectionsFx.Domain.Scoring;
using CollectionsFx.Workflows.Scoring;

namespace CollectionsFx.Workflows.Tests;

public sealed class ScoringWorkflowTests
{
    private static readonly DateOnly Night = new(2026, 12, 4);

    [Fact]
    public async Task A_run_pins_the_plans_model_for_every_batch_and_sums_up_the_batches_in_order()
    {
        var context = new FakeOrchestrationContext(NightlyScoring.InstanceId(Night), new DateTime(2026, 12, 4, 1, 0, 0, DateTimeKind.Utc))
            .OnActivity<ScoringRunInput, ScoringPlan>(nameof(PlanScoringRun), _ => new ScoringPlan("v7", [["C1", "C2"], ["C3"], ["C4"]]))
            .OnActivity<ScoringBatch, ScoringBatchResult>(nameof(ScoreCustomerBatch), b => new ScoringBatchResult(b.Customers.Count, b.Customers.Count * 10, ScoreDistribution.Of(Enumerable.Repeat(0.5, b.Customers.Count * 10))))
            .OnActivity<ScoringCompletion, ScoringRunSummary>(nameof(CompleteScoringRun), c =>
                new ScoringRunSummary(c.Input.RunId, c.Input.AsOf, c.Plan.ModelVersion, c.Results.Count, c.Results.Sum(r => r.Customers), c.Results.Sum(r => r.Invoices), 0.5, c.Plan.Reason));

        var summary = await new NightlyScoring().RunAsync(context, new ScoringRunInput("scoring-2026-12-04", Night));

        Assert.Equal("scoring-2026-12-04", NightlyScoring.InstanceId(Night));
        Assert.Equal([nameof(PlanScoringRun), nameof(ScoreCustomerBatch), nameof(ScoreCustomerBatch), nameof(ScoreCustomerBatch), nameof(CompleteScoringRun)], context.Calls.Select(c => c.Name));
        var batches = context.Calls.Where(c => c.Name == nameof(ScoreCustomerBatch)).Select(c => (ScoringBatch)c.Input!).ToList();
        Assert.All(batches, b => Assert.Equal(("v7", Night, "scoring-2026-12-04"), (b.ModelVersion, b.AsOf, b.RunId)));
        Assert.Equal(["C1,C2", "C3", "C4"], batches.Select(b => string.Join(",", b.Customers)));
        Assert.All(context.Calls, c => Assert.NotNull(c.Options?.Retry));
        Assert.Equal((3, 4, 40), (summary.Batches, summary.Customers, summary.Invoices));
        var completion = (ScoringCompletion)context.Calls[^1].Input!;
        Assert.Equal(new DateTime(2026, 12, 4, 1, 0, 0, DateTimeKind.Utc), completion.StartedUtc);
        Assert.Equal([20, 10, 10], completion.Results.Select(r => r.Distribution.Bins[5]));
    }

    [Fact]
    public async Task Without_a_current_model_nothing_is_scored_and_the_summary_says_why()
    {
        var context = new FakeOrchestrationContext("scoring-2026-12-04", new DateTime(2026, 12, 4, 1, 0, 0, DateTimeKind.Utc))
            .OnActivity<ScoringRunInput, ScoringPlan>(nameof(PlanScoringRun), _ => new ScoringPlan(null, [], "no current model"))
            .OnActivity<ScoringCompletion, ScoringRunSummary>(nameof(CompleteScoringRun), c =>
                new ScoringRunSummary(c.Input.RunId, c.Input.AsOf, null, c.Results.Count, 0, 0, 0, c.Plan.Reason));

        var summary = await new NightlyScoring().RunAsync(context, new ScoringRunInput("scoring-2026-12-04", Night));

        Assert.DoesNotContain(context.Calls, c => c.Name == nameof(ScoreCustomerBatch));
        Assert.Equal(("no current model", 0), (summary.Reason, summary.Batches));
    }

    [Fact]
    public async Task A_failing_batch_fails_the_run_instead_of_summing_up_a_partial_one()
    {
        var context = new FakeOrchestrationContext("scoring-2026-12-04", new DateTime(2026, 12, 4, 1, 0, 0, DateTimeKind.Utc))
            .OnActivity<ScoringRunInput, ScoringPlan>(nameof(PlanScoringRun), _ => new ScoringPlan("v7", [["C1"], ["C2"]]))
            .OnActivity<ScoringBatch, ScoringBatchResult>(nameof(ScoreCustomerBatch), b => b.Customers[0] == "C2" ? throw new InvalidOperationException("table down") : new ScoringBatchResult(1, 1, ScoreDistribution.Of([0.5])))
            .OnActivity<ScoringCompletion, ScoringRunSummary>(nameof(CompleteScoringRun), _ => throw new InvalidOperationException("must not be reached"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new NightlyScoring().RunAsync(context, new ScoringRunInput("scoring-2026-12-04", Night)));

        Assert.Equal("table down", error.Message);
        Assert.DoesNotContain(context.Calls, c => c.Name == nameof(CompleteScoringRun));
    }

    [Fact]
    public async Task Retraining_trains_then_applies_the_promotion_rule_to_that_candidate()
    {
        var context = new FakeOrchestrationContext(ModelRetraining.InstanceId(Night), new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc))
            .OnActivity<RetrainInput, CandidateTrained>(nameof(TrainCandidateModel), i => new CandidateTrained(i.Version, 0.91, 0.93))
            .OnActivity<CandidateTrained, RetrainOutcome>(nameof(ApplyPromotionRule), c => new RetrainOutcome(c.Version, false, "AUC 0.910 is worse than 0.930", c.RocAuc));

        var outcome = await new ModelRetraining().RunAsync(context, new RetrainInput("20261201-030000"));

        Assert.Equal("retrain-2026-12", ModelRetraining.InstanceId(Night));
        Assert.Equal(("20261201-030000", 0.93), (((CandidateTrained)context.Calls[1].Input!).Version, ((CandidateTrained)context.Calls[1].Input!).CurrentAucOnSameWindow));
        Assert.Equal((false, "AUC 0.910 is worse than 0.930"), (outcome.Promoted, outcome.Reason));
    }

    [Fact]
    public async Task Retraining_without_enough_data_ends_with_the_reason_and_decides_nothing()
    {
        var context = new FakeOrchestrationContext("retrain-2026-12", new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc))
            .OnActivity<RetrainInput, CandidateTrained>(nameof(TrainCandidateModel), _ => new CandidateTrained(null, 0, null, "only 12 training rows"));

        var outcome = await new ModelRetraining().RunAsync(context, new RetrainInput("20261201-030000"));

        Assert.Single(context.Calls);
        Assert.Equal((null, false, "only 12 training rows"), (outcome.Version, outcome.Promoted, outcome.Reason));
    }
}
