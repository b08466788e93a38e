using CollectionsFx.Contracts;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Http;

/// <summary>Who may call one route: the signed-in roles allowed (none: system callers only), and why.</summary>
/// <param name="Name">The endpoint's name, the same in the Functions app (function name) and the local host (endpoint name).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Route">The route under <c>/api</c>, as in <see cref="Routes"/>.</param>
/// <param name="Roles">The roles a signed-in caller needs one of; empty: only a system caller (function key, no user principal).</param>
public sealed record AccessRule(string Name, string Method, string Route, IReadOnlyList<string> Roles)
{
    /// <summary>Whether a caller with one of <see cref="Roles"/> but limited to their own portfolio is checked against the route's customer.</summary>
    public bool CustomerScoped => Route.Contains("{customerId}", StringComparison.Ordinal);
}

/// <summary>
/// The access rule of every HTTP route, in one table both hosts enforce before any handler runs (the Functions app in a worker
/// middleware, the local host in an endpoint filter), so a handler cannot act first and refuse after. A request without a
/// user principal is a system caller: in Azure it holds the function key (automation, the ERP/CRM webhooks); locally, the
/// developer. A signed-in user needs one of the rule's roles; a collector limited to their own portfolio may touch only
/// their own customers on routes with <c>{customerId}</c>. A route without a rule is refused (403) and fails a test.
/// </summary>
public sealed class RouteAccess(ILedgerStore ledger)
{
    /// <summary>In a rule's roles: any signed-in user, even one without a CollectionsFx role (who may learn that, and that we are up).</summary>
    public const string AnyUser = "*";

    private static readonly string[] Anybody = [AnyUser];
    private static readonly string[] Everyone = [.. Roles.All];
    private static readonly string[] Leaders = [Roles.Cfo, Roles.FinanceLead, Roles.Manager];
    private static readonly string[] Acting = [Roles.Collector, Roles.Manager];
    private static readonly string[] Steering = [Roles.FinanceLead, Roles.Manager];
    private static readonly string[] Managers = [Roles.Manager];
    private static readonly string[] SystemOnly = [];

    /// <summary>Every route's rule, keyed by endpoint name.</summary>
    public static readonly IReadOnlyDictionary<string, AccessRule> Rules = new AccessRule[]
    {
        // Machines: signed webhooks and platform diagnostics.
        new("IngestWebhook", "POST", Routes.Ingest, SystemOnly),
        new("StartDurableHealthCheck", "POST", Routes.DurableHealthCheck, SystemOnly),
        new("GetDurableHealthCheck", "GET", Routes.DurableHealthCheckStatus, SystemOnly),

        // Reading: every role (a collector's reads are narrowed to their portfolio by the handlers and the customer check).
        new("Health", "GET", Routes.Health, Anybody),
        new("GetOpenApi", "GET", Routes.OpenApi, Everyone),
        new("GetMe", "GET", Routes.Me, Anybody),
        new("ListSchemas", "GET", Routes.Schemas, Everyone),
        new("GetSchema", "GET", Routes.Schema, Everyone),
        new("GetKpis", "GET", Routes.Kpis, Everyone),
        new("GetKpiTrend", "GET", Routes.KpiTrend, Everyone),
        new("GetGaps", "GET", Routes.Gaps, Everyone),
        new("ListTargets", "GET", Routes.Targets, Everyone),
        new("SuggestTargets", "GET", Routes.TargetSuggestions, Everyone),
        new("GetCashForecast", "GET", Routes.Forecast, Everyone),
        new("GetForecastBacktest", "GET", Routes.ForecastBacktest, Everyone),
        new("GetWorklist", "GET", Routes.Worklist, Everyone),
        new("ListTasks", "GET", Routes.Tasks, Everyone),
        new("GetCustomer360", "GET", Routes.Customer, Everyone),
        new("GetDunningCycle", "GET", Routes.Dunning, Everyone),
        new("GetScores", "GET", Routes.Scores, Everyone),
        new("GetAutomation", "GET", Routes.Automation, Everyone),

        // Company-wide data a collector has no business downloading: every customer's promises, process and models.
        new("GetPromiseFollowUp", "GET", Routes.PromiseFollowUp, Leaders),
        new("GetVariants", "GET", Routes.MiningVariants, Leaders),
        new("GetProcessMap", "GET", Routes.MiningDfg, Leaders),
        new("GetMiningStats", "GET", Routes.MiningStats, Leaders),
        new("DownloadEventLog", "GET", Routes.EventLogExport, Leaders),
        new("ListModels", "GET", Routes.Models, Leaders),
        new("GetScoringRun", "GET", Routes.ScoringRun, Leaders),
        new("ListExperiments", "GET", Routes.Experiments, Leaders),
        new("GetExperiment", "GET", Routes.Experiment, Leaders),

        // Acting on a customer: its collector (own portfolio) or a manager.
        new("RecordPromise", "POST", Routes.CustomerPromises, Acting),
        new("WithdrawPromise", "POST", Routes.PromiseWithdraw, Acting),
        new("OpenDispute", "POST", Routes.CustomerDisputes, Acting),
        new("ResolveDispute", "POST", Routes.DisputeResolve, Acting),
        new("ExecuteNextBestAction", "POST", Routes.WorklistExecute, Acting),
        new("CompleteTask", "POST", Routes.TaskDone, Acting),
        new("StartDunningCycle", "POST", Routes.DunningStart, Acting),
        new("SignalDunningCycle", "POST", Routes.DunningSignal, Acting),
        new("StopDunningCycle", "POST", Routes.DunningStop, Acting),

        // Steering the team: targets, exchange rates and the dead letters (finance leads and managers).
        new("SetTarget", "PUT", Routes.Target, Steering),
        new("PutRates", "PUT", Routes.Rates, Steering),
        new("ListDeadLetters", "GET", Routes.DeadLetters, Steering),

        // Managing: approvals, bulk actions, assignments, automation, models and replays.
        new("ApproveDunningStep", "POST", Routes.DunningApproval, Managers),
        new("StartDunningCycles", "POST", Routes.DunningBulkStart, Managers),
        new("ChangeDunningCycles", "POST", Routes.DunningBulk, Managers),
        new("AssignCustomers", "POST", Routes.CustomerAssign, Managers),
        new("ErasePersonalData", "DELETE", Routes.CustomerPersonalData, Managers),
        new("SetAutomation", "PUT", Routes.Automation, Managers),
        new("ReplayDeadLetter", "POST", Routes.DeadLetterReplay, Managers),
        new("StartScoringRun", "POST", Routes.ScoringRuns, Managers),
        new("TrainModel", "POST", Routes.ModelTrain, Managers),
        new("RollbackModel", "POST", Routes.ModelRollback, Managers),
        new("CreateExperiment", "POST", Routes.Experiments, Managers),
        new("StartExperiment", "POST", Routes.ExperimentStart, Managers),
        new("StopExperiment", "POST", Routes.ExperimentStop, Managers),
        new("PromoteExperimentArm", "POST", Routes.ExperimentPromote, Managers),
    }.ToDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>
    /// Null when the caller may call the endpoint <paramref name="name"/> (with <paramref name="customerId"/> its route's
    /// customer, if any); else a 403 problem naming the role or the customer.
    /// </summary>
    public async Task<IResult?> CheckAsync(HttpRequest request, string name, string? customerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Rules.TryGetValue(name, out var rule))
        {
            return Problems.Field(StatusCodes.Status403Forbidden, "Forbidden", "route", $"'{name}' has no access rule: refused until it has one");
        }

        if (Caller.Roles(request) is not { } held)
        {
            return null; // a system caller
        }

        if (!rule.Roles.Any(r => r == AnyUser || held.Contains(r, StringComparer.OrdinalIgnoreCase)))
        {
            return Problems.Field(
                StatusCodes.Status403Forbidden, "Forbidden", "role",
                rule.Roles.Count == 0 ? "only a system caller (function key) may do this" : $"only the roles {string.Join(", ", rule.Roles.Select(r => $"'{r}'"))} may do this");
        }

        if (rule.CustomerScoped && customerId is not null && Caller.OwnPortfolioOnly(request) is { } self)
        {
            // The customer's own ledger (one partition) names its collector; an unknown customer is the handler's 404.
            var records = (await ledger.LoadAsync(customerId, cancellationToken).ConfigureAwait(false)).Records;
            var collector = records.Count == 0 ? null : records.OfType<CustomerRecord>().LastOrDefault()?.Collector ?? ArAccount.Unassigned;
            if (collector is not null && !string.Equals(collector, self, StringComparison.OrdinalIgnoreCase))
            {
                return Problems.Field(StatusCodes.Status403Forbidden, "Forbidden", "customerId", "a collector sees only their own customers (and acts only on them)");
            }
        }

        return null;
    }
}
