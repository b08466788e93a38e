using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Experiments;
using CollectionsFx.Storage.Blobs;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Experiments;

/// <summary>
/// The experiments over HTTP: list, create (a draft; each problem of the design names its field), read (with the result as of
/// today), start, stop and promote (managers). A request the experiment's state does not allow is a 409 saying why.
/// </summary>
public sealed class ExperimentHandler(ExperimentService experiments)
{
    /// <summary>Handles <c>GET /api/experiments</c>.</summary>
    public async Task<IResult> ListAsync(CancellationToken cancellationToken) =>
        Results.Json(new ExperimentList(await experiments.ListAsync(cancellationToken).ConfigureAwait(false), experiments.Playbooks), ApiJson.Options);

    /// <summary>Handles <c>POST /api/experiments</c>: the body is an <see cref="ExperimentDesign"/>; 201 with the draft.</summary>
    public async Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ExperimentDesign? design;
        try
        {
            design = await JsonSerializer.DeserializeAsync<ExperimentDesign>(request.Body, ApiJson.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Malformed experiment", string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.'),
                $"is not valid here (line {ex.LineNumber + 1}): {ex.Message.Split(". Path:")[0]}");
        }

        if (design is null)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Malformed experiment", "body", "must be a JSON object");
        }

        // Omitted, the population is everyone and the guardrail its defaults.
        design = design with { Eligible = design.Eligible ?? new Eligibility(), Guardrail = design.Guardrail ?? new Guardrail() };
        var (entry, problems) = await experiments.CreateAsync(design, Caller.Name(request) ?? "system", cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            var conflict = problems.Count == 1 && problems[0].Field == "id" && problems[0].Message.StartsWith("an experiment", StringComparison.Ordinal);
            return Problems.Create(
                conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, conflict ? "Experiment exists" : "Invalid experiment",
                string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}")), [.. problems.Select(p => new FieldError(p.Field, p.Message))]);
        }

        return Results.Json(new ExperimentDetail(entry, 0, null), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Handles <c>GET /api/experiments/{experimentId}</c>.</summary>
    public async Task<IResult> GetAsync(string experimentId, CancellationToken cancellationToken) =>
        await experiments.DetailAsync(experimentId, cancellationToken).ConfigureAwait(false) is { } detail ? Results.Json(detail, ApiJson.Options) : Unknown(experimentId);

    /// <summary>Handles <c>POST /api/experiments/{experimentId}/start</c>.</summary>
    public Task<IResult> StartAsync(HttpRequest request, string experimentId, CancellationToken cancellationToken) =>
        ActAsync(experimentId, () => experiments.StartAsync(experimentId, Caller.Name(request) ?? "system", cancellationToken), cancellationToken);

    /// <summary>Handles <c>POST /api/experiments/{experimentId}/stop</c>.</summary>
    public Task<IResult> StopAsync(HttpRequest request, string experimentId, CancellationToken cancellationToken) =>
        ActAsync(experimentId, () => experiments.StopAsync(experimentId, Caller.Name(request) ?? "system", cancellationToken), cancellationToken);

    /// <summary>Handles <c>POST /api/experiments/{experimentId}/promote</c>, body <c>{"arm":"b"}</c>.</summary>
    public async Task<IResult> PromoteAsync(HttpRequest request, string experimentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if ((body.TryGetValue("arm", out var value) ? JsonBody.Text(value) : null) is not { Length: > 0 } arm)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Arm required", "arm", "name the arm to promote");
        }

        try
        {
            return await ActAsync(experimentId, () => experiments.PromoteAsync(experimentId, arm, Caller.Name(request) ?? "system", cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Unknown arm", "arm", ex.Message.Split(" (Parameter")[0]);
        }
    }

    private async Task<IResult> ActAsync<T>(string experimentId, Func<Task<T>> act, CancellationToken ct)
    {
        try
        {
            await act().ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            return Unknown(experimentId);
        }
        catch (ExperimentConflictException ex)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Not now", "experimentId", ex.Message);
        }

        return Results.Json(await experiments.DetailAsync(experimentId, ct).ConfigureAwait(false), ApiJson.Options);
    }

    private static IResult Unknown(string experimentId) =>
        Problems.Field(StatusCodes.Status404NotFound, "Unknown experiment", "experimentId", $"no experiment '{experimentId}'");
}
