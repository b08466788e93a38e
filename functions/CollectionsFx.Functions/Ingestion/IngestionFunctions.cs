using CollectionsFx.Api;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Functions.Ingestion;

/// <summary>HTTP triggers of ingestion: each binds the route and calls the shared handler.</summary>
public sealed class IngestionFunctions(IngestionService ingestion, DeadLetterHandler deadLetters, Api.Diagnostics.HealthService health)
{
    [Function("IngestWebhook")]
    public Task<IActionResult> Ingest([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Ingest)] HttpRequest req, string source) =>
        ingestion.IngestAsync(req, source, req.HttpContext.RequestAborted).ToActionResult();

    [Function("ListSchemas")]
    public IActionResult ListSchemas([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Schemas)] HttpRequest req) =>
        SchemaCatalog.List(req).ToActionResult();

    [Function("GetSchema")]
    public IActionResult GetSchema([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Schema)] HttpRequest req, string type) =>
        SchemaCatalog.Get(type).ToActionResult();

    [Function("ListDeadLetters")]
    public Task<IActionResult> ListDeadLetters([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.DeadLetters)] HttpRequest req) =>
        deadLetters.ListAsync(req.HttpContext.RequestAborted).ToActionResult();

    [Function("ReplayDeadLetter")]
    public Task<IActionResult> ReplayDeadLetter([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DeadLetterReplay)] HttpRequest req, string id) =>
        deadLetters.ReplayAsync(req, id, req.HttpContext.RequestAborted).ToActionResult();

    [Function("Health")]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Health)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        health.HandleAsync(client, req.HttpContext.RequestAborted).ToActionResult();
}
