using CollectionsFx.Api;
using CollectionsFx.Api.Dunning;
using CollectionsFx.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Functions.Dunning;

/// <summary>Dunning for finance ops over HTTP (each trigger binds the route and calls the shared handler) and the daily timer.</summary>
public sealed class DunningHttpFunctions(DunningScheduler scheduler)
{
    [Function("EnsureDunningCycles")]
    public Task Daily([TimerTrigger(Api.Jobs.Schedules.Dunning)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        scheduler.EnsureCyclesAsync(client, context.CancellationToken);

    [Function("GetDunningCycle")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Dunning)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.GetAsync(customerId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("StartDunningCycle")]
    public Task<IActionResult> Start([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningStart)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.StartAsync(customerId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("SignalDunningCycle")]
    public Task<IActionResult> Signal([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningSignal)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.SignalAsync(req, customerId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("ApproveDunningStep")]
    public Task<IActionResult> Approve([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningApproval)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.ApproveAsync(req, customerId, client, req.HttpContext.RequestAborted).ToActionResult();
}
