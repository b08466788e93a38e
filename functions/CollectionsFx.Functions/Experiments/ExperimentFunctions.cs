using CollectionsFx.Api;
using CollectionsFx.Api.Experiments;
using CollectionsFx.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CollectionsFx.Functions.Experiments;

/// <summary>Champion/challenger experiments over HTTP (each trigger binds the route and calls the shared handler) and their hourly upkeep (late joiners, guardrail).</summary>
public sealed class ExperimentFunctions(ExperimentHandler experiments, ExperimentService service)
{
    [Function("ListExperiments")]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Experiments)] HttpRequest req) =>
        experiments.ListAsync(req.HttpContext.RequestAborted).ToActionResult();

    [Function("CreateExperiment")]
    public Task<IActionResult> Create([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Experiments)] HttpRequest req) =>
        experiments.CreateAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetExperiment")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Experiment)] HttpRequest req, string experimentId) =>
        experiments.GetAsync(experimentId, req.HttpContext.RequestAborted).ToActionResult();

    [Function("StartExperiment")]
    public Task<IActionResult> Start([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.ExperimentStart)] HttpRequest req, string experimentId) =>
        experiments.StartAsync(req, experimentId, req.HttpContext.RequestAborted).ToActionResult();

    [Function("StopExperiment")]
    public Task<IActionResult> Stop([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.ExperimentStop)] HttpRequest req, string experimentId) =>
        experiments.StopAsync(req, experimentId, req.HttpContext.RequestAborted).ToActionResult();

    [Function("PromoteExperimentArm")]
    public Task<IActionResult> Promote([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.ExperimentPromote)] HttpRequest req, string experimentId) =>
        experiments.PromoteAsync(req, experimentId, req.HttpContext.RequestAborted).ToActionResult();

    [Function("MaintainExperiments")]
    public Task Maintain([TimerTrigger(Api.Jobs.Schedules.ExperimentUpkeep)] TimerInfo timer, FunctionContext context) =>
        service.MaintainAsync(context.CancellationToken);
}
