using CollectionsFx.Api;
using CollectionsFx.Api.Jobs;
using CollectionsFx.Api.Scoring;
using CollectionsFx.Functions.Http;
using CollectionsFx.Workflows.Scoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Functions.Scoring;

/// <summary>Scoring runs: the nightly timer, HTTP starters over the shared handler, and one-line wrappers of the workflow classes.</summary>
public sealed class ScoringFunctions(ScoringHandler handler, IScoringRunner runner, IModelTrainer trainer, Api.Insights.InsightsService insights, ModelService models, Api.Dunning.LedgerChanges changes)
{
    [Function("RetrainModel")]
    public Task Retrain([TimerTrigger(Schedules.Retrain)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        models.StartRetrainingAsync(client, context.CancellationToken);

    [Function("ScoreOpenInvoices")]
    public Task Nightly([TimerTrigger(Schedules.NightlyScoring)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ScoringHandler.StartAsync(client, insights.Today(), context.CancellationToken);

    /// <summary>Customers whose ledger changed, from ingestion: scored within seconds and their dunning cycles woken (poison queue after five failures).</summary>
    [Function("ScoreChangedCustomers")]
    public Task Rescore([QueueTrigger("%RescoreQueue%")] string body, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var request = Storage.Scoring.RescoreQueue.Parse(body);
        return changes.HandleAsync(request.Customers, client, context.CancellationToken, Storage.Scoring.RescoreQueue.Causes([request]));
    }

    [Function("StartScoringRun")]
    public Task<IActionResult> Start([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.ScoringRuns)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        handler.StartRunAsync(req, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetScoringRun")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.ScoringRun)] HttpRequest req, string id, [DurableClient] DurableTaskClient client) =>
        ScoringHandler.GetRunAsync(id, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetScores")]
    public Task<IActionResult> Scores([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Scores)] HttpRequest req, string customerId) =>
        handler.ScoresAsync(customerId, req.HttpContext.RequestAborted).ToActionResult();

    [Function("ListModels")]
    public Task<IActionResult> Models([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Models)] HttpRequest req) =>
        handler.ListModelsAsync(req.HttpContext.RequestAborted).ToActionResult();

    [Function("TrainModel")]
    public Task<IActionResult> Train([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.ModelTrain)] HttpRequest req) =>
        handler.TrainAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("RollbackModel")]
    public Task<IActionResult> Rollback([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.ModelRollback)] HttpRequest req) =>
        handler.RollbackAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function(nameof(NightlyScoring))]
    public Task<ScoringRunSummary> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context, ScoringRunInput input) => new NightlyScoring().RunAsync(context, input);

    [Function(nameof(PlanScoringRun))]
    public Task<ScoringPlan> Plan([ActivityTrigger] ScoringRunInput input) => runner.PlanAsync(input, CancellationToken.None);

    [Function(nameof(ScoreCustomerBatch))]
    public Task<ScoringBatchResult> Score([ActivityTrigger] ScoringBatch batch) => runner.ScoreAsync(batch, CancellationToken.None);

    [Function(nameof(CompleteScoringRun))]
    public Task<ScoringRunSummary> Complete([ActivityTrigger] ScoringCompletion completion) =>
        runner.CompleteAsync(completion, CancellationToken.None);

    [Function(nameof(ModelRetraining))]
    public Task<RetrainOutcome> Retraining([OrchestrationTrigger] TaskOrchestrationContext context, RetrainInput input) => new ModelRetraining().RunAsync(context, input);

    [Function(nameof(TrainCandidateModel))]
    public Task<CandidateTrained> TrainCandidate([ActivityTrigger] RetrainInput input) => trainer.TrainCandidateAsync(input, CancellationToken.None);

    [Function(nameof(ApplyPromotionRule))]
    public Task<RetrainOutcome> Promote([ActivityTrigger] CandidateTrained candidate) => trainer.ApplyPromotionRuleAsync(candidate, CancellationToken.None);
}
