using CollectionsFx.Workflows.Diagnostics;
using CollectionsFx.Workflows.Scoring;
using Microsoft.DurableTask;

namespace CollectionsFx.Workflows;

/// <summary>Every orchestrator and activity of CollectionsFx, registered the same way by both faces.</summary>
public static class WorkflowRegistry
{
    /// <summary>Adds all workflows to <paramref name="registry"/>.</summary>
    public static DurableTaskRegistry AddCollectionsWorkflows(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestrator<DurableHealthCheck>();
        registry.AddActivity<EchoHealthToken>();
        registry.AddOrchestrator<NightlyScoring>();
        registry.AddActivity<PlanScoringRun>();
        registry.AddActivity<ScoreCustomerBatch>();
        registry.AddActivity<CompleteScoringRun>();
        registry.AddOrchestrator<Dunning.DunningCycle>();
        registry.AddActivity<Dunning.LoadDunningView>();
        registry.AddActivity<Dunning.SendDunningNotice>();
        registry.AddActivity<Dunning.RequestDunningApproval>();
        registry.AddActivity<Dunning.DeadLetterNotice>();
        registry.AddOrchestrator<Promises.PromiseFollowUp>();
        registry.AddActivity<Promises.LoadPromise>();
        registry.AddActivity<Promises.SendPromiseMail>();
        registry.AddActivity<Promises.RecordPromiseVerdict>();
        registry.AddActivity<Actions.CreateCrmEscalation>();
        registry.AddActivity<Actions.CreateCollectorTask>();
        registry.AddActivity<Actions.SetCreditHold>();
        registry.AddOrchestrator<ModelRetraining>();
        registry.AddActivity<TrainCandidateModel>();
        registry.AddActivity<ApplyPromotionRule>();
        return registry;
    }
}
