using CollectionsFx.Api.Diagnostics;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Api.Http;
using CollectionsFx.Api.Insights;
using CollectionsFx.Api.Scoring;
using Microsoft.DurableTask.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Api;

/// <summary>The local host's routes: the same <see cref="Routes"/> and handlers as the Functions app's triggers.</summary>
public static class EndpointRouteBuilderExtensions
{
    /// <summary>Maps every route under <c>/api</c>.</summary>
    public static IEndpointRouteBuilder MapCollectionsFx(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + Routes.Prefix);
        // Every route's access rule (RouteAccess) before its handler, as the Functions app's RouteAccessMiddleware does, and
        // the caller's data problems thrown by a handler as problem details.
        api.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var name = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "";
            var customer = http.Request.RouteValues.TryGetValue("customerId", out var value) ? value as string : null;
            try
            {
                var denied = await http.RequestServices.GetRequiredService<RouteAccess>().CheckAsync(http.Request, name, customer, http.RequestAborted).ConfigureAwait(false);
                return denied ?? await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (Problems.ForException(ex) is { } problem)
            {
                // The caller's data problem, or storage failing for now (503), as the Functions app's ExceptionProblemMiddleware answers them.
                if (Problems.IsTransient(ex))
                {
                    http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CollectionsFx.Api.Http").LogWarning(ex, "{Endpoint}: storage unavailable, answered 503", name);
                }

                return problem;
            }
        });
        api.MapPost(Routes.Ingest, (HttpRequest req, string source, IngestionService s, CancellationToken ct) => s.IngestAsync(req, source, ct))
            .WithName("IngestWebhook").DisableAntiforgery();
        api.MapGet(Routes.Schemas, (HttpRequest req) => SchemaCatalog.List(req)).WithName("ListSchemas");
        api.MapGet(Routes.Schema, (string type) => SchemaCatalog.Get(type)).WithName("GetSchema");
        api.MapGet(Routes.DeadLetters, (DeadLetterHandler h, CancellationToken ct) => h.ListAsync(ct)).WithName("ListDeadLetters");
        api.MapPost(Routes.DeadLetterReplay, (HttpRequest req, string id, DeadLetterHandler h, CancellationToken ct) => h.ReplayAsync(req, id, ct)).WithName("ReplayDeadLetter");
        api.MapPost(Routes.DurableHealthCheck, (HttpRequest req, DurableTaskClient client, CancellationToken ct) => DurableHealthCheckHandler.StartAsync(req, client, ct)).WithName("StartDurableHealthCheck");
        api.MapGet(Routes.DurableHealthCheckStatus, (string id, DurableTaskClient client, CancellationToken ct) => DurableHealthCheckHandler.GetAsync(id, client, ct)).WithName("GetDurableHealthCheck");
        api.MapGet(Routes.Kpis, (HttpRequest req, InsightsHandler h, CancellationToken ct) => h.KpisAsync(req, ct)).WithName("GetKpis");
        api.MapGet(Routes.KpiTrend, (HttpRequest req, InsightsHandler h, CancellationToken ct) => h.TrendAsync(req, ct)).WithName("GetKpiTrend");
        api.MapGet(Routes.Gaps, (HttpRequest req, InsightsHandler h, CancellationToken ct) => h.GapsAsync(req, ct)).WithName("GetGaps");
        api.MapGet(Routes.Targets, (HttpRequest req, InsightsHandler h, CancellationToken ct) => h.ListTargetsAsync(req, ct)).WithName("ListTargets");
        api.MapPut(Routes.Target, (HttpRequest req, string kpi, InsightsHandler h, CancellationToken ct) => h.SetTargetAsync(req, kpi, ct)).WithName("SetTarget");
        api.MapGet(Routes.TargetSuggestions, (HttpRequest req, InsightsHandler h, CancellationToken ct) => h.SuggestTargetsAsync(req, ct)).WithName("SuggestTargets");
        api.MapPut(Routes.Rates, (HttpRequest req, InsightsHandler h, CancellationToken ct) => h.PutRatesAsync(req, ct)).WithName("PutRates");
        api.MapGet(Routes.Dunning, (string customerId, DurableTaskClient client, Storage.Ledger.ILedgerStore ledger, CancellationToken ct) => Dunning.DunningHandler.GetAsync(customerId, client, ledger, ct)).WithName("GetDunningCycle");
        api.MapPost(Routes.DunningStart, (string customerId, DurableTaskClient client, TimeProvider time, CancellationToken ct) => Dunning.DunningHandler.StartAsync(customerId, client, time, ct)).WithName("StartDunningCycle");
        api.MapPost(Routes.DunningSignal, (HttpRequest req, string customerId, DurableTaskClient client, CancellationToken ct) => Dunning.DunningHandler.SignalAsync(req, customerId, client, ct)).WithName("SignalDunningCycle");
        api.MapPost(Routes.DunningApproval, (HttpRequest req, string customerId, DurableTaskClient client, Storage.Tasks.TaskStore tasks, CancellationToken ct) => Dunning.DunningHandler.ApproveAsync(req, customerId, client, tasks, ct)).WithName("ApproveDunningStep");
        api.MapPost(Routes.DunningBulkStart, (HttpRequest req, DurableTaskClient client, Dunning.DunningScheduler scheduler, CancellationToken ct) => Dunning.DunningHandler.StartManyAsync(req, client, scheduler, ct)).WithName("StartDunningCycles");
        api.MapPost(Routes.DunningBulk, (HttpRequest req, DurableTaskClient client, Insights.InsightsService insights, CancellationToken ct) => Dunning.DunningHandler.BulkAsync(req, client, insights, ct)).WithName("ChangeDunningCycles");
        api.MapPost(Routes.DunningStop, (HttpRequest req, string customerId, DurableTaskClient client, CancellationToken ct) => Dunning.DunningHandler.StopAsync(req, customerId, client, ct)).WithName("StopDunningCycle");
        api.MapPost(Routes.CustomerPromises, (HttpRequest req, string customerId, Collections.CustomerActionsHandler h, DurableTaskClient client, CancellationToken ct) => h.RecordPromiseAsync(req, customerId, client, ct)).WithName("RecordPromise");
        api.MapPost(Routes.PromiseWithdraw, (string customerId, string promiseId, Collections.CustomerActionsHandler h, DurableTaskClient client, CancellationToken ct) => h.WithdrawPromiseAsync(customerId, promiseId, client, ct)).WithName("WithdrawPromise");
        api.MapGet(Routes.PromiseFollowUp, (string promiseId, DurableTaskClient client, CancellationToken ct) => Dunning.DunningHandler.GetPromiseAsync(promiseId, client, ct)).WithName("GetPromiseFollowUp");
        api.MapPost(Routes.CustomerDisputes, (HttpRequest req, string customerId, Collections.CustomerActionsHandler h, CancellationToken ct) => h.OpenDisputeAsync(req, customerId, ct)).WithName("OpenDispute");
        api.MapPost(Routes.DisputeResolve, (HttpRequest req, string customerId, string disputeId, Collections.CustomerActionsHandler h, CancellationToken ct) => h.ResolveDisputeAsync(req, customerId, disputeId, ct)).WithName("ResolveDispute");
        api.MapGet(Routes.Customer, (HttpRequest req, string customerId, Collections.WorklistHandler h, DurableTaskClient client, CancellationToken ct) => h.CustomerAsync(req, customerId, client, ct)).WithName("GetCustomer360");
        api.MapPost(Routes.CustomerAssign, (HttpRequest req, Collections.CustomerActionsHandler h, CancellationToken ct) => h.AssignAsync(req, ct)).WithName("AssignCustomers");
        api.MapDelete(Routes.CustomerPersonalData, (HttpRequest req, string customerId, Privacy.ErasureService h, CancellationToken ct) => h.HandleAsync(req, customerId, ct)).WithName("ErasePersonalData");
        api.MapGet(Routes.Automation, (Collections.WorklistHandler h, CancellationToken ct) => h.GetAutomationAsync(ct)).WithName("GetAutomation");
        api.MapPut(Routes.Automation, (HttpRequest req, Collections.WorklistHandler h, CancellationToken ct) => h.SetAutomationAsync(req, ct)).WithName("SetAutomation");
        api.MapGet(Routes.Me, (HttpRequest req, MeHandler h) => h.Get(req)).WithName("GetMe");
        api.MapGet(Routes.Experiments, (Experiments.ExperimentHandler h, CancellationToken ct) => h.ListAsync(ct)).WithName("ListExperiments");
        api.MapPost(Routes.Experiments, (HttpRequest req, Experiments.ExperimentHandler h, CancellationToken ct) => h.CreateAsync(req, ct)).WithName("CreateExperiment");
        api.MapGet(Routes.Experiment, (string experimentId, Experiments.ExperimentHandler h, CancellationToken ct) => h.GetAsync(experimentId, ct)).WithName("GetExperiment");
        api.MapPost(Routes.ExperimentStart, (HttpRequest req, string experimentId, Experiments.ExperimentHandler h, CancellationToken ct) => h.StartAsync(req, experimentId, ct)).WithName("StartExperiment");
        api.MapPost(Routes.ExperimentStop, (HttpRequest req, string experimentId, Experiments.ExperimentHandler h, CancellationToken ct) => h.StopAsync(req, experimentId, ct)).WithName("StopExperiment");
        api.MapPost(Routes.ExperimentPromote, (HttpRequest req, string experimentId, Experiments.ExperimentHandler h, CancellationToken ct) => h.PromoteAsync(req, experimentId, ct)).WithName("PromoteExperimentArm");
        api.MapGet(Routes.Worklist, (HttpRequest req, Collections.WorklistHandler h, CancellationToken ct) => h.ListAsync(req, ct)).WithName("GetWorklist");
        api.MapPost(Routes.WorklistExecute, (HttpRequest req, string customerId, Collections.WorklistHandler h, CancellationToken ct) => h.ExecuteAsync(req, customerId, ct)).WithName("ExecuteNextBestAction");
        api.MapPost(Routes.TaskDone, (HttpRequest req, string customerId, Collections.CustomerActionsHandler h, CancellationToken ct) => h.TaskDoneAsync(req, customerId, ct)).WithName("CompleteTask");
        api.MapGet(Routes.Tasks, (HttpRequest req, Collections.CustomerActionsHandler h, CancellationToken ct) => h.TasksAsync(req, ct)).WithName("ListTasks");
        api.MapGet(Routes.Forecast, (HttpRequest req, ForecastHandler h, CancellationToken ct) => h.ForecastAsync(req, ct)).WithName("GetCashForecast");
        api.MapGet(Routes.ForecastBacktest, (HttpRequest req, ForecastHandler h, CancellationToken ct) => h.BacktestAsync(req, ct)).WithName("GetForecastBacktest");
        api.MapGet(Routes.MiningVariants, (HttpRequest req, MiningHandler h, CancellationToken ct) => h.VariantsAsync(req, ct)).WithName("GetVariants");
        api.MapGet(Routes.MiningDfg, (HttpRequest req, MiningHandler h, CancellationToken ct) => h.DfgAsync(req, ct)).WithName("GetProcessMap");
        api.MapGet(Routes.MiningStats, (HttpRequest req, MiningHandler h, CancellationToken ct) => h.StatsAsync(req, ct)).WithName("GetMiningStats");
        api.MapGet(Routes.EventLogExport, (HttpRequest req, MiningHandler h, CancellationToken ct) => h.ExportAsync(req, ct)).WithName("DownloadEventLog");
        api.MapPost(Routes.ScoringRuns, (HttpRequest req, ScoringHandler h, DurableTaskClient client, CancellationToken ct) => h.StartRunAsync(req, client, ct)).WithName("StartScoringRun");
        api.MapGet(Routes.ScoringRun, (string id, DurableTaskClient client, CancellationToken ct) => ScoringHandler.GetRunAsync(id, client, ct)).WithName("GetScoringRun");
        api.MapGet(Routes.Scores, (string customerId, ScoringHandler h, CancellationToken ct) => h.ScoresAsync(customerId, ct)).WithName("GetScores");
        api.MapGet(Routes.Models, (ScoringHandler h, CancellationToken ct) => h.ListModelsAsync(ct)).WithName("ListModels");
        api.MapPost(Routes.ModelTrain, (HttpRequest req, ScoringHandler h, CancellationToken ct) => h.TrainAsync(req, ct)).WithName("TrainModel");
        api.MapPost(Routes.ModelRollback, (HttpRequest req, ScoringHandler h, CancellationToken ct) => h.RollbackAsync(req, ct)).WithName("RollbackModel");
        api.MapGet(Routes.OpenApi, () => OpenApiDocument.Result()).WithName("GetOpenApi");
        api.MapGet(Routes.Health, (HealthService h, DurableTaskClient client, CancellationToken ct) => h.HandleAsync(client, ct)).WithName("Health");
        return app;
    }
}
