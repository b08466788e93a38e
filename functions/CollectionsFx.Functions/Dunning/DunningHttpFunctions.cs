using CollectionsFx.Api;
using CollectionsFx.Api.Dunning;
using CollectionsFx.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Functions.Dunning;

/// <summary>Dunning for finance ops over HTTP: each trigger binds the route and calls the shared handler.</summary>
public static class DunningHttpFunctions
{
    [Function("GetDunningCycle")]
    public static Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Dunning)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.GetAsync(customerId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("StartDunningCycle")]
    public static Task<IActionResult> Start([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningStart)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.StartAsync(customerId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("SignalDunningCycle")]
    public static Task<IActionResult> Signal([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningSignal)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.SignalAsync(req, customerId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("ApproveDunningStep")]
    public static Task<IActionResult> Approve([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningApproval)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.ApproveAsync(req, customerId, client, req.HttpContext.RequestAborted).ToActionResult();
}
