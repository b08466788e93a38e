using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Scoring;
using CollectionsFx.Workflows.Scoring;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Api.Scoring;

/// <summary>Starts scoring runs (one per date, a second start is a no-op) and reads runs and scores.</summary>
public sealed class ScoringHandler(ScoringService scoring, Insights.InsightsService insights, ModelService models)
{
    /// <summary>Handles <c>GET /api/models</c>: every model's card and the registry's history.</summary>
    public async Task<IResult> ListModelsAsync(CancellationToken cancellationToken)
    {
        var (list, state) = await models.ListAsync(cancellationToken).ConfigureAwait(false);
        return Results.Json(new { state.Current, Models = list, state.History }, ApiJson.Options);
    }

    /// <summary>Handles <c>POST /api/models/train</c>, body <c>{"splitDate":"yyyy-MM-dd"}</c> (optional: 90 days ago).</summary>
    public async Task<IResult> TrainAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        DateOnly? split = null;
        if (body.TryGetValue("splitDate", out var text))
        {
            if (!DateOnly.TryParseExact(JsonBody.Text(text), "yyyy-MM-dd", out var d))
            {
                return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid training request", "splitDate", "must be a date yyyy-MM-dd");
            }

            split = d;
        }

        try
        {
            var (card, decision) = await models.TrainAsync(split, cancellationToken).ConfigureAwait(false);
            return Results.Json(new { Model = card, decision.Promote, decision.Reason }, ApiJson.Options);
        }
        catch (EvaluationDataException ex)
        {
            return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Not enough data to train", "splitDate", ex.Message);
        }
    }

    /// <summary>Handles <c>POST /api/models/rollback</c>, body <c>{"version":"..."}</c> (optional: the previous model).</summary>
    public async Task<IResult> RollbackAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        string? version = null;
        if (body.TryGetValue("version", out var requested) && requested.ValueKind != JsonValueKind.Null && (version = JsonBody.Text(requested)) is null)
        {
            return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid rollback", "version", "must be a model version (a string)");
        }

        try
        {
            var current = await models.RollbackAsync(version, cancellationToken).ConfigureAwait(false);
            return Results.Json(new { Current = current }, ApiJson.Options);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Azure.RequestFailedException)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Cannot roll back", "version", ex.Message);
        }
    }

    /// <summary>The string value of a body field, or null for any other JSON kind.</summary>

    /// <summary>Starts the run of <paramref name="asOf"/> unless one exists; returns its instance id and whether it was new.</summary>
    public static async Task<(string InstanceId, bool Started)> StartAsync(DurableTaskClient client, DateOnly asOf, CancellationToken cancellationToken)
    {
        var id = NightlyScoring.InstanceId(asOf);
        return (id, await DurableStarts.StartOnceAsync(client, nameof(NightlyScoring), id, new ScoringRunInput(id, asOf), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Handles <c>POST /api/scoring/runs</c>, body <c>{"asOf":"yyyy-MM-dd"}</c> (optional: today in the tenant's zone).</summary>
    public async Task<IResult> StartRunAsync(HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var asOf = insights.Today();
        if (body.TryGetValue("asOf", out var value) && !DateOnly.TryParseExact(JsonBody.Text(value), "yyyy-MM-dd", out asOf))
        {
            return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid scoring run", "asOf", "must be a date yyyy-MM-dd");
        }

        var (id, started) = await StartAsync(client, asOf, cancellationToken).ConfigureAwait(false);
        return Results.Json(new { instanceId = id, started, statusUri = $"/{Routes.Prefix}/scoring/runs/{id}" }, ApiJson.Options, statusCode: started ? StatusCodes.Status202Accepted : StatusCodes.Status200OK);
    }

    /// <summary>Handles <c>GET /api/scoring/runs/{id}</c>.</summary>
    public static async Task<IResult> GetRunAsync(string id, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = id.StartsWith("scoring-", StringComparison.Ordinal) ? await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false) : null;
        return instance is null
            ? Problems.Field(StatusCodes.Status404NotFound, "Unknown scoring run", "id", $"no scoring run '{id}'")
            : Results.Json(new { instanceId = id, runtimeStatus = instance.RuntimeStatus.ToString(), summary = instance.IsCompleted && instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<ScoringRunSummary>() : null }, ApiJson.Options);
    }

    /// <summary>Handles <c>GET /api/scores/{customerId}</c>.</summary>
    public async Task<IResult> ScoresAsync(string customerId, CancellationToken cancellationToken)
    {
        var (customer, invoices) = await scoring.ScoresAsync(customerId, cancellationToken).ConfigureAwait(false);
        return Results.Json(new { Customer = customer, Invoices = invoices }, ApiJson.Options);
    }
}
