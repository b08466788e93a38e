using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Workflows.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Api.Diagnostics;

/// <summary>Starts and reads Durable health checks; the client comes from DI (local host) or the DurableClient binding (Functions).</summary>
public static class DurableHealthCheckHandler
{
    /// <summary>Handles <c>POST /api/diagnostics/durable</c>, body <c>{"token":"...","delayMilliseconds":n}</c> (both optional).</summary>
    public static async Task<IResult> StartAsync(HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        // Read the body whatever its framing (a chunked request has no Content-Length); empty means defaults.
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var input = new HealthCheckInput(Guid.NewGuid().ToString("N"), 1_000);
        if (!string.IsNullOrWhiteSpace(text))
        {
            try
            {
                input = JsonSerializer.Deserialize<HealthCheckInput>(text, IngestionJson.Options) ?? input;
            }
            catch (JsonException ex)
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "Malformed JSON", "body", ex.Message);
            }

            if (string.IsNullOrWhiteSpace(input.Token) || input.DelayMilliseconds is < 0 or > 60_000)
            {
                return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid health check", "delayMilliseconds", "token is required and delayMilliseconds must be 0 to 60000");
            }
        }

        var id = "healthcheck-" + Guid.NewGuid().ToString("N");
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(DurableHealthCheck), input, new StartOrchestrationOptions(id), cancellationToken).ConfigureAwait(false);
        return Results.Json(new { instanceId = id, statusUri = $"/{Routes.Prefix}/diagnostics/durable/{id}" }, IngestionJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Handles <c>GET /api/diagnostics/durable/{id}</c>.</summary>
    public static async Task<IResult> GetAsync(string id, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = id.StartsWith("healthcheck-", StringComparison.Ordinal)
            ? await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false)
            : null;
        return instance is null
            ? Problems.Field(StatusCodes.Status404NotFound, "Unknown health check", "id", $"no health check '{id}'")
            : Results.Json(new { instanceId = id, runtimeStatus = instance.RuntimeStatus.ToString(), output = instance.IsCompleted ? instance.ReadOutputAs<string>() : null }, IngestionJson.Options);
    }
}
