using CollectionsFx.Api;
using CollectionsFx.Api.Diagnostics;
using CollectionsFx.Functions.Http;
using CollectionsFx.Workflows.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Functions.Diagnostics;

/// <summary>The Durable health check: HTTP starters over the shared handler, and one-line wrappers of the workflow classes.</summary>
public sealed class DiagnosticsFunctions
{
    [Function("StartDurableHealthCheck")]
    public Task<IActionResult> Start([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DurableHealthCheck)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        DurableHealthCheckHandler.StartAsync(req, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetDurableHealthCheck")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.DurableHealthCheckStatus)] HttpRequest req, string id, [DurableClient] DurableTaskClient client) =>
        DurableHealthCheckHandler.GetAsync(id, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function(nameof(DurableHealthCheck))]
    public Task<string> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context, HealthCheckInput input) => new DurableHealthCheck().RunAsync(context, input);

    [Function(nameof(EchoHealthToken))]
    public string Echo([ActivityTrigger] string token) => EchoHealthToken.Echo(token);
}
