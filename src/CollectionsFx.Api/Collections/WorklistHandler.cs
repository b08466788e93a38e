using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Actions;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Api.Collections;

/// <summary>The collectors' worklist over HTTP, and one-click execution of a next-best action.</summary>
public sealed class WorklistHandler(WorklistService worklist, Customer360Service customers, AutomationService automation)
{
    /// <summary>Handles <c>GET /api/worklist?collector=&amp;offset=&amp;limit=</c>.</summary>
    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var collector = request.Query["collector"].ToString() is { Length: > 0 } c ? c : null;
        if (Caller.OwnPortfolioOnly(request) is { } self)
        {
            if (collector is not null && !string.Equals(collector, self, StringComparison.OrdinalIgnoreCase))
            {
                return Problems.Field(StatusCodes.Status403Forbidden, "Forbidden", "collector", "a collector sees only their own worklist");
            }

            collector = self;
        }

        var offset = int.TryParse(request.Query["offset"], out var o) ? o : 0;
        var limit = int.TryParse(request.Query["limit"], out var l) ? l : 100;
        if (offset < 0)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid query", "offset", "must be 0 or more");
        }

        if (limit is < 1 or > 5000)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid query", "limit", "must be between 1 and 5000");
        }

        var built = await worklist.BuildAsync(cancellationToken).ConfigureAwait(false);
        var all = built.Entries;
        var mine = collector is null ? all : [.. all.Where(e => string.Equals(e.Customer.Collector, collector, StringComparison.OrdinalIgnoreCase))];
        return Results.Json(
            new WorklistPage(collector, mine.Count, offset, limit, mine.Sum(e => e.Customer.ValueAtStake), [.. mine.Skip(offset).Take(limit)], built.ObservedAssociation),
            ApiJson.Options);
    }

    /// <summary>Handles <c>POST /api/worklist/{customerId}/execute</c>, body <c>{"action":"call"}</c> or empty for the best action.</summary>
    public async Task<IResult> ExecuteAsync(HttpRequest request, string customerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CollectionAction? action = null;
        if (request.ContentLength != 0 && request.ContentType is not null)
        {
            var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (body.TryGetValue("action", out var a))
            {
                if (a.ValueKind != JsonValueKind.String || !Enum.TryParse<CollectionAction>(a.GetString(), ignoreCase: true, out var parsed))
                {
                    return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid action", "action", $"must be one of {string.Join(", ", Enum.GetNames<CollectionAction>())}");
                }

                action = parsed;
            }
        }

        var (entry, proposal, result) = await worklist.ExecuteAsync(customerId, action, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Not on the worklist", "customerId", $"customer '{customerId}' has nothing overdue or due soon");
        }

        if (proposal is null || result is null)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Action not proposed", "action", $"{action} has no positive expected value for '{customerId}' now");
        }

        return Results.Json(new ExecutedAction(customerId, proposal.Action, proposal.ExpectedValue, result.Sent, result.Outcome), ApiJson.Options);
    }

    /// <summary>Handles <c>GET /api/customers/{customerId}</c>: the customer 360 (a collector's own customers only: <see cref="Http.RouteAccess"/>).</summary>
    public async Task<IResult> CustomerAsync(HttpRequest request, string customerId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var view = await customers.GetAsync(customerId, client, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Unknown customer", "customerId", $"no customer '{customerId}' in the ledger");
        }

        return Results.Json(view, ApiJson.Options);
    }

    /// <summary>Handles <c>GET /api/automation</c>: which next-best actions run touchless.</summary>
    public async Task<IResult> GetAutomationAsync(CancellationToken cancellationToken) =>
        Results.Json(await automation.GetAsync(cancellationToken).ConfigureAwait(false), ApiJson.Options);

    /// <summary>Handles <c>PUT /api/automation</c>, body <c>{"touchless":["email","promiseFollowUp"]}</c>; managers only.</summary>
    public async Task<IResult> SetAutomationAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var touchless = new List<CollectionAction>();
        if (!body.TryGetValue("touchless", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid automation settings", "touchless", "is required: an array of action names");
        }

        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !Enum.TryParse<CollectionAction>(item.GetString(), ignoreCase: true, out var action) || int.TryParse(item.GetString(), out _))
            {
                return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid automation settings", "touchless", $"'{item}' is not one of {string.Join(", ", Enum.GetNames<CollectionAction>())}");
            }

            touchless.Add(action);
        }

        return Results.Json(await automation.SetAsync(touchless, Caller.Name(request) ?? "system", cancellationToken).ConfigureAwait(false), ApiJson.Options);
    }
}
