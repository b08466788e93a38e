using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Storage.Tasks;
using CollectionsFx.Workflows.Dunning;
using CollectionsFx.Workflows.Promises;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Api.Dunning;

/// <summary>Dunning over HTTP for finance ops: start a customer's cycle, read it, signal it, approve or reject a step.</summary>
public static class DunningHandler
{
    /// <summary>The signals a person may send (ledger changes come from ingestion).</summary>
    public static readonly IReadOnlyList<string> Signals = ["snooze", "block", "unblock", "changed"];

    /// <summary>Handles <c>POST /api/dunning/{customerId}/start</c>: 202 when started, 200 when a cycle already runs.</summary>
    public static async Task<IResult> StartAsync(string customerId, DurableTaskClient client, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var (id, started) = await DunningStarter.StartAsync(client, customerId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return Results.Json(new { instanceId = id, started, statusUri = $"/{Routes.Prefix}/dunning/{Uri.EscapeDataString(customerId)}" }, ApiJson.Options, statusCode: started ? StatusCodes.Status202Accepted : StatusCodes.Status200OK);
    }

    /// <summary>
    /// Handles <c>POST /api/dunning/start</c>, body <c>{"segment":"MidMarket"}</c>, <c>{"customerIds":[…]}</c> or empty for every
    /// eligible customer: starts the missing cycles, a few at a time (202 with how many were eligible and started).
    /// </summary>
    public static async Task<IResult> StartManyAsync(HttpRequest request, DurableTaskClient client, DunningScheduler scheduler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(scheduler);
        var selection = Selection.All;
        if (request.ContentLength != 0 && request.ContentType is not null)
        {
            var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            (selection, problem) = Selection.Read(body);
            if (problem is not null)
            {
                return problem;
            }
        }

        var (eligible, started) = await scheduler.StartAsync(client, selection.Includes, cancellationToken).ConfigureAwait(false);
        var segment = selection.Segment;
        return Results.Json(new { segment, eligible, started, alreadyRunning = eligible - started }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The actions of <c>POST /api/dunning/bulk</c>.</summary>
    public static readonly IReadOnlyList<string> BulkActions = ["stop", "block", "unblock", "snooze"];

    /// <summary>
    /// Handles <c>POST /api/dunning/bulk</c>, body <c>{"action":"block","segment":"Smb"}</c> (or <c>customerIds</c>, or neither for
    /// every customer; <c>until</c> for a snooze): acts on each running cycle of the selection, a few at a time.
    /// </summary>
    public static async Task<IResult> BulkAsync(HttpRequest request, DurableTaskClient client, Insights.InsightsService insights, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(insights);
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var (action, until, invalid) = ReadSignal(body, "action", BulkActions, "Invalid bulk action");
        if (invalid is not null)
        {
            return invalid;
        }

        var (selection, badSelection) = Selection.Read(body);
        if (badSelection is not null)
        {
            return badSelection;
        }

        var segment = selection.Segment;
        var book = await (await insights.CurrentAsync(cancellationToken).ConfigureAwait(false)).BookAsOfAsync(insights.Today()).ConfigureAwait(false);
        var selected = book.Accounts.Where(selection.Includes).Select(x => x.CustomerId).ToList();
        var by = Caller.Name(request) ?? "function key";
        var acted = 0;
        await Parallel.ForEachAsync(selected, new ParallelOptions { MaxDegreeOfParallelism = DunningScheduler.Parallelism, CancellationToken = cancellationToken }, async (customer, ct) =>
        {
            var id = DunningCycle.InstanceId(customer);
            if (!await RunningAsync(client, id, ct).ConfigureAwait(false))
            {
                return;
            }

            if (action == "stop")
            {
                await client.TerminateInstanceAsync(id, new TerminateInstanceOptions { Output = new DunningOutcome(customer, 0, $"stopped by {by}") }, ct).ConfigureAwait(false);
            }
            else
            {
                await client.RaiseEventAsync(id, DunningCycle.SignalEvent, new DunningSignal(action, until, by), ct).ConfigureAwait(false);
            }

            Interlocked.Increment(ref acted);
        }).ConfigureAwait(false);
        return Results.Json(new { action, segment, until, selected = selected.Count, acted }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Handles <c>GET /api/dunning/{customerId}</c>: the cycle's status and state (levels sent, snooze, block), and its history
    /// in words: every action on the customer's ledger (notices, escalations, holds, calls), oldest first, each with its id
    /// (a notice's is <c>notice-</c> and its idempotency key, the key its mail's Message-ID is derived from).
    /// </summary>
    public static async Task<IResult> GetAsync(string customerId, DurableTaskClient client, ILedgerStore ledger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(ledger);
        var instance = await client.GetInstanceAsync(DunningCycle.InstanceId(customerId), getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            return NoCycle(customerId);
        }

        var history = (await ledger.LoadAsync(customerId, cancellationToken).ConfigureAwait(false)).Records.OfType<ContactRecord>()
            .OrderBy(c => c.OccurredAt).Select(c => new { id = c.Id, at = c.OccurredAt, action = c.ActionKind, c.DunningLevel, by = c.Automated ? "automation" : c.Resource, invoices = c.Invoices, text = Describe(c) });
        return Results.Json(new
        {
            instanceId = instance.InstanceId, runtimeStatus = instance.RuntimeStatus.ToString(), createdAt = instance.CreatedAt, lastUpdatedAt = instance.LastUpdatedAt,
            state = instance.IsRunning ? instance.ReadInputAs<DunningCycleInput>() : null,
            outcome = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<DunningOutcome>() : null,
            history,
        }, ApiJson.Options);
    }

    /// <summary>One action in words, e.g. "E-mail, reminder level 2, on 3 invoices, by automation".</summary>
    public static string Describe(ContactRecord contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var kind = contact.ActionKind switch
        {
            ActionKind.Email => "E-mail",
            ActionKind.Call => "Call",
            ActionKind.CrmEscalation => "CRM escalation",
            ActionKind.SalesSupportRequest => "Request for sales support",
            ActionKind.CreditHold => "Credit hold",
            _ => "Write-off",
        };
        var level = contact.DunningLevel switch { null => "", 4 => ", final notice", { } l => $", reminder level {l}" };
        var invoices = contact.Invoices.Count switch { 0 => "", 1 => $", on {contact.Invoices[0]}", var n => $", on {n} invoices" };
        return $"{kind}{level}{invoices}, by {(contact.Automated ? "automation" : contact.Resource)}{(contact.Notes is { Length: > 0 } notes ? ": " + notes : "")}";
    }

    /// <summary>Handles <c>POST /api/dunning/{customerId}/signal</c>, body <c>{"kind":"snooze","until":"yyyy-MM-dd"}</c>.</summary>
    public static async Task<IResult> SignalAsync(HttpRequest request, string customerId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var (kind, until, invalid) = ReadSignal(body, "kind", Signals, "Invalid signal");
        if (invalid is not null)
        {
            return invalid;
        }

        var id = DunningCycle.InstanceId(customerId);
        if (!await RunningAsync(client, id, cancellationToken).ConfigureAwait(false))
        {
            return NoCycle(customerId);
        }

        var by = Caller.Name(request);
        await client.RaiseEventAsync(id, DunningCycle.SignalEvent, new DunningSignal(kind, until, by), cancellationToken).ConfigureAwait(false);
        return Results.Json(new { instanceId = id, signal = kind, until }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Handles <c>POST /api/dunning/{customerId}/approval</c>, body <c>{"approved":true,"by":"…","note":"…"}</c>: managers only
    /// (a signed-in user without the role gets 403); the approval tasks of the customer are closed.
    /// </summary>
    public static async Task<IResult> ApproveAsync(HttpRequest request, string customerId, DurableTaskClient client, TaskStore tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tasks);
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (!body.TryGetValue("approved", out var a) || a.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid approval", "approved", "must be true or false");
        }

        var by = Caller.Name(request) ?? (body.TryGetValue("by", out var b) ? JsonBody.Text(b) : null);
        if (string.IsNullOrWhiteSpace(by))
        {
            return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid approval", "by", "who decides must be known (signed-in user or \"by\")");
        }

        var id = DunningCycle.InstanceId(customerId);
        if (!await RunningAsync(client, id, cancellationToken).ConfigureAwait(false))
        {
            return NoCycle(customerId);
        }

        var note = body.TryGetValue("note", out var n) ? JsonBody.Text(n) : null;
        await client.RaiseEventAsync(id, DunningCycle.ApprovalEvent, new ApprovalDecision(a.GetBoolean(), by, note), cancellationToken).ConfigureAwait(false);
        foreach (var task in (await tasks.OpenAsync(customerId: customerId, cancellationToken: cancellationToken).ConfigureAwait(false)).Where(t => t.Kind == "approval"))
        {
            await tasks.CloseAsync(customerId, task.Key, by, cancellationToken).ConfigureAwait(false);
        }

        return Results.Json(new { instanceId = id, approved = a.GetBoolean(), by }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Handles <c>POST /api/dunning/{customerId}/stop</c>: ends the running cycle (200), 404 when none runs.</summary>
    public static async Task<IResult> StopAsync(HttpRequest request, string customerId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var id = DunningCycle.InstanceId(customerId);
        if (!await RunningAsync(client, id, cancellationToken).ConfigureAwait(false))
        {
            return NoCycle(customerId);
        }

        var by = Caller.Name(request) ?? "function key";
        await client.TerminateInstanceAsync(id, new TerminateInstanceOptions { Output = new DunningOutcome(customerId, 0, $"stopped by {by}") }, cancellationToken).ConfigureAwait(false);
        return Results.Json(new { instanceId = id, stopped = true, by }, ApiJson.Options);
    }

    /// <summary>Handles <c>GET /api/promises/{promiseId}</c>: the follow-up's status, the promise it follows and its outcome.</summary>
    public static async Task<IResult> GetPromiseAsync(string promiseId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetInstanceAsync(PromiseFollowUp.InstanceId(promiseId), getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        return instance is null
            ? Problems.Field(StatusCodes.Status404NotFound, "No promise follow-up", "promiseId", $"no follow-up for promise '{promiseId}'")
            : Results.Json(new
            {
                instanceId = instance.InstanceId, runtimeStatus = instance.RuntimeStatus.ToString(), createdAt = instance.CreatedAt, lastUpdatedAt = instance.LastUpdatedAt,
                promise = instance.ReadInputAs<PromiseFollowUpInput>(),
                outcome = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<PromiseOutcome>() : null,
            }, ApiJson.Options);
    }

    /// <summary>Which customers a bulk route acts on: a segment, a list of ids, both, or (neither) all.</summary>
    private sealed record Selection(string? Segment, HashSet<string>? Ids)
    {
        public static readonly Selection All = new(null, null);

        public bool Includes(Domain.Insights.ArAccount account) =>
            (Segment is null || string.Equals(account.Segment, Segment, StringComparison.OrdinalIgnoreCase)) && (Ids is null || Ids.Contains(account.CustomerId));

        /// <summary>Reads <c>segment</c> (a known segment) and <c>customerIds</c> (an array of strings); a problem naming the field otherwise.</summary>
        public static (Selection Selection, IResult? Problem) Read(Dictionary<string, JsonElement> body)
        {
            string? segment = null;
            if (body.TryGetValue("segment", out var s))
            {
                segment = JsonBody.Text(s);
                if (!Enum.TryParse<Domain.Ledger.Segment>(segment, ignoreCase: true, out _))
                {
                    return (All, Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid selection", "segment", $"must be one of {string.Join(", ", Enum.GetNames<Domain.Ledger.Segment>())}"));
                }
            }

            if (!body.TryGetValue("customerIds", out var c))
            {
                return (new Selection(segment, null), null);
            }

            return c.ValueKind != JsonValueKind.Array || c.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String)
                ? (All, Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid selection", "customerIds", "must be an array of customer ids"))
                : (new Selection(segment, c.EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal)), null);
        }
    }

    /// <summary>Reads a signal's kind from <paramref name="field"/> (one of <paramref name="allowed"/>) and, for a snooze, the date it ends.</summary>
    private static (string Kind, DateOnly? Until, IResult? Problem) ReadSignal(Dictionary<string, JsonElement> body, string field, IReadOnlyList<string> allowed, string title)
    {
        var kind = body.TryGetValue(field, out var k) ? JsonBody.Text(k) : null;
        if (kind is null || !allowed.Contains(kind))
        {
            return ("", null, Problems.Field(StatusCodes.Status422UnprocessableEntity, title, field, $"must be one of {string.Join(", ", allowed)}"));
        }

        if (kind != "snooze")
        {
            return (kind, null, null);
        }

        return body.TryGetValue("until", out var u) && DateOnly.TryParseExact(JsonBody.Text(u), "yyyy-MM-dd", out var date)
            ? (kind, date, null)
            : (kind, null, Problems.Field(StatusCodes.Status422UnprocessableEntity, title, "until", "a snooze needs the date it ends, yyyy-MM-dd"));
    }

    private static async Task<bool> RunningAsync(DurableTaskClient client, string id, CancellationToken ct) =>
        await client.GetInstanceAsync(id, ct).ConfigureAwait(false) is { IsRunning: true };

    private static IResult NoCycle(string customerId) =>
        Problems.Field(StatusCodes.Status404NotFound, "No dunning cycle", "customerId", $"no running dunning cycle for '{customerId}'");
}
