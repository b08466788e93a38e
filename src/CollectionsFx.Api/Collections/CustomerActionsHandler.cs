using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Dunning;
using CollectionsFx.Api.Http;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Storage.Tasks;
using CollectionsFx.Workflows.Promises;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Api.Collections;

/// <summary>
/// What a collector records on a customer over HTTP: promises to pay (recorded, withdrawn) and disputes (opened, resolved).
/// Each goes through ingestion as a CloudEvent of source <c>collectionsfx-ui</c>, so it is validated, idempotent, in the event
/// log and on the ledger change queue like any CRM webhook (which pauses or wakes dunning); a new promise's follow-up starts
/// at once. Field errors answer 422 naming the body's field; an unknown promise or dispute 404; a transition its state does
/// not allow (withdraw a broken promise, resolve a resolved dispute) 409.
/// </summary>
public sealed class CustomerActionsHandler(IngestionService ingestion, ILedgerStore ledger, TaskStore tasks, Insights.InsightsService insights, TimeProvider time)
{
    /// <summary>The source of events recorded through these routes.</summary>
    public const string Source = "collectionsfx-ui";

    /// <summary>
    /// Handles <c>POST /api/customers/assign</c>, body <c>{"customerIds":[...],"collector":"alice"}</c> (managers only): each known
    /// customer's master data is recorded again with the new collector (source <see cref="Source"/>, so the event log shows who
    /// moved it). A later ERP change of the customer carries the ERP's collector again: assign in the ERP where it owns the field.
    /// </summary>
    public async Task<IResult> AssignAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var collector = body.TryGetValue("collector", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() is { Length: > 0 } name ? name : null;
        var ids = body.TryGetValue("customerIds", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString() : null).ToList()
            : null;
        if (collector is null)
        {
            return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid assignment", "collector", "is required: the collector who takes the customers");
        }

        if (ids is null || ids.Count is 0 or > 500 || ids.Any(i => string.IsNullOrEmpty(i)))
        {
            return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid assignment", "customerIds", "must list 1 to 500 customer ids");
        }

        var unknown = new List<string>();
        var assigned = 0;
        foreach (var id in ids.Distinct(StringComparer.Ordinal).Cast<string>())
        {
            var customer = (await ledger.LoadAsync(id, cancellationToken).ConfigureAwait(false)).Records.OfType<CustomerRecord>().FirstOrDefault();
            if (customer is null)
            {
                unknown.Add(id);
                continue;
            }

            var data = JsonSerializer.SerializeToNode(new
            {
                customerId = customer.Id, customer.Name, customer.Country, customer.Currency, segment = JsonNamingPolicy.CamelCase.ConvertName(customer.Segment.ToString()),
                customer.PaymentTermsDays, customer.CreditLimit, collector, customer.Email, customer.Company, customer.CrmAccountId, customer.DunningBlock, customer.CreditHold,
                changedBy = Caller.Name(request) ?? Source,
            }, ApiJson.Options)!.AsObject();
            var rejected = await IngestAsync(EventTypes.Customer, $"assign-{id}-{time.GetUtcNow().UtcTicks}", data, cancellationToken).ConfigureAwait(false);
            if (rejected is not null)
            {
                return rejected;
            }

            assigned++;
        }

        return Results.Json(new Assignment(collector, assigned, unknown), ApiJson.Options);
    }

    /// <summary>Handles <c>POST /api/customers/{customerId}/promises</c>, body <c>{invoiceIds, promisedDate, amount, currency, toleranceDays?, promiseId?}</c>.</summary>
    public async Task<IResult> RecordPromiseAsync(HttpRequest request, string customerId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (data, problem) = await ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var promiseId = data!["promiseId"]?.GetValue<string>() ?? "PTP-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        data["promiseId"] = promiseId;
        data["customerId"] = customerId;
        data.Remove("state");
        var rejected = await IngestAsync(EventTypes.PromiseRecorded, "promise-" + promiseId, data, cancellationToken).ConfigureAwait(false);
        if (rejected is not null)
        {
            return rejected;
        }

        var followUp = PromiseFollowUp.InstanceId(promiseId);
        await DurableStarts.StartOnceAsync(client, nameof(PromiseFollowUp), followUp, new PromiseFollowUpInput(customerId, promiseId), cancellationToken).ConfigureAwait(false);
        return Results.Json(new { promiseId, customerId, followUp, state = "Open" }, ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Handles <c>POST /api/customers/{customerId}/promises/{promiseId}/withdraw</c>: only an open promise can be withdrawn.</summary>
    public async Task<IResult> WithdrawPromiseAsync(string customerId, string promiseId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if ((await ledger.LoadAsync(customerId, cancellationToken).ConfigureAwait(false)).Find(new EntityKey(EntityKind.Promise, promiseId)) is not PromiseRecord promise)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "No such promise", "promiseId", $"customer '{customerId}' has no promise '{promiseId}'");
        }

        if (promise.State != PromiseState.Open)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Promise not open", "promiseId", $"promise '{promiseId}' is {promise.State}; only an open promise can be withdrawn");
        }

        var data = JsonSerializer.SerializeToNode(new
        {
            promiseId, customerId, invoiceIds = promise.InvoiceIds, promisedDate = promise.PromisedDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            amount = promise.Amount, currency = promise.Currency, toleranceDays = promise.ToleranceDays, state = "withdrawn",
        })!.AsObject();
        var rejected = await IngestAsync(EventTypes.PromiseRecorded, $"promise-{promiseId}-withdrawn", data, cancellationToken).ConfigureAwait(false);
        if (rejected is not null)
        {
            return rejected;
        }

        // The follow-up hears it at once (the ledger change queue would wake it too, a moment later).
        var followUp = PromiseFollowUp.InstanceId(promiseId);
        if (await client.GetInstanceAsync(followUp, cancellationToken).ConfigureAwait(false) is { IsRunning: true })
        {
            await client.RaiseEventAsync(followUp, PromiseFollowUp.ChangedEvent, "withdrawn", cancellationToken).ConfigureAwait(false);
        }

        return Results.Json(new { promiseId, customerId, state = "Withdrawn" }, ApiJson.Options);
    }

    /// <summary>Handles <c>POST /api/customers/{customerId}/disputes</c>, body <c>{invoiceId, reasonCode, openedOn?, disputeId?}</c>.</summary>
    public async Task<IResult> OpenDisputeAsync(HttpRequest request, string customerId, CancellationToken cancellationToken)
    {
        var (data, problem) = await ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var disputeId = data!["disputeId"]?.GetValue<string>() ?? "DSP-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        data["disputeId"] = disputeId;
        data["customerId"] = customerId;
        data["openedOn"] ??= Today();
        var rejected = await IngestAsync(EventTypes.DisputeOpened, "dispute-" + disputeId, data, cancellationToken).ConfigureAwait(false);
        return rejected ?? Results.Json(new { disputeId, customerId, state = "Open" }, ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Handles <c>POST /api/customers/{customerId}/disputes/{disputeId}/resolve</c>, body <c>{outcome: accepted|rejected|creditNote, resolvedOn?}</c>.</summary>
    public async Task<IResult> ResolveDisputeAsync(HttpRequest request, string customerId, string disputeId, CancellationToken cancellationToken)
    {
        var (data, problem) = await ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if ((await ledger.LoadAsync(customerId, cancellationToken).ConfigureAwait(false)).Find(new EntityKey(EntityKind.Dispute, disputeId)) is not DisputeRecord dispute)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "No such dispute", "disputeId", $"customer '{customerId}' has no dispute '{disputeId}'");
        }

        if (!dispute.IsOpen)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Dispute already resolved", "disputeId", $"dispute '{disputeId}' was resolved ({dispute.Outcome}) on {dispute.Resolved:yyyy-MM-dd}");
        }

        data!["disputeId"] = disputeId;
        data["customerId"] = customerId;
        data["invoiceId"] = dispute.InvoiceId;
        data["reasonCode"] = dispute.ReasonCode;
        data["openedOn"] = dispute.Opened.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        data["resolvedOn"] ??= Today();
        var rejected = await IngestAsync(EventTypes.DisputeResolved, $"dispute-{disputeId}-resolved", data, cancellationToken).ConfigureAwait(false);
        return rejected ?? Results.Json(new { disputeId, customerId, state = "Resolved", outcome = data["outcome"]?.ToString() }, ApiJson.Options);
    }

    /// <summary>Handles <c>GET /api/tasks?assignee=&amp;customerId=</c>: open work (calls, approvals, sales support, broken promises), most urgent first.</summary>
    public async Task<IResult> TasksAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var assignee = request.Query["assignee"].ToString() is { Length: > 0 } a ? a : null;
        var customer = request.Query["customerId"].ToString() is { Length: > 0 } c ? c : null;
        if (Caller.OwnPortfolioOnly(request) is { } self)
        {
            if (assignee is not null && !string.Equals(assignee, self, StringComparison.OrdinalIgnoreCase))
            {
                return Problems.Field(StatusCodes.Status403Forbidden, "Forbidden", "assignee", "a collector sees only their own tasks");
            }

            assignee = self;
        }
        return Results.Json(new { tasks = await tasks.OpenAsync(assignee, customer, cancellationToken).ConfigureAwait(false) }, ApiJson.Options);
    }

    /// <summary>Handles <c>POST /api/tasks/{customerId}/done</c>, body <c>{"key":"…"}</c>: closes the task (404 when there is no such open task).</summary>
    public async Task<IResult> TaskDoneAsync(HttpRequest request, string customerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (!body.TryGetValue("key", out var k) || JsonBody.Text(k) is not { Length: > 0 } key)
        {
            return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid task", "key", "the task's key is required");
        }

        var by = Caller.Name(request) ?? "function key";
        var open = await tasks.OpenAsync(customerId: customerId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!open.Any(t => t.Key == key) || !await tasks.CloseAsync(customerId, key, by, cancellationToken).ConfigureAwait(false))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "No such task", "key", $"customer '{customerId}' has no open task '{key}'");
        }

        return Results.Json(new { customerId, key, status = WorkTask.Done, by }, ApiJson.Options);
    }

    private string Today() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<(JsonObject? Data, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(request, ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return (null, problem);
        }

        var data = new JsonObject();
        foreach (var (name, value) in body)
        {
            data[name] = JsonNode.Parse(value.GetRawText());
        }

        return (data, null);
    }

    /// <summary>Commits one event through ingestion; null when applied (or a duplicate), else 422 naming the body's fields.</summary>
    private async Task<IResult?> IngestAsync(string type, string id, JsonObject data, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0", ["id"] = id, ["source"] = Source, ["type"] = type, ["time"] = at.ToString("O", CultureInfo.InvariantCulture), ["data"] = data,
        };
        using var document = JsonDocument.Parse(cloudEvent.ToJsonString());
        var outcome = (await ingestion.ProcessAsync(Source, at, [document.RootElement.Clone()], ct, deadLetterRejected: false).ConfigureAwait(false)).Single();
        if (outcome.Outcome != Outcome.Rejected)
        {
            // Read-your-writes: the customer 360 a person reloads right after recording shows what they recorded.
            await insights.RefreshAsync(ct).ConfigureAwait(false);
            return null;
        }

        var errors = (outcome.Errors ?? []).Select(e => e with { Field = e.Field.StartsWith("data.", StringComparison.Ordinal) ? e.Field["data.".Length..] : e.Field }).ToList();
        return Problems.Create(StatusCodes.Status422UnprocessableEntity, "Invalid request", string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), errors);
    }
}
