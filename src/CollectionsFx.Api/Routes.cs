namespace CollectionsFx.Api;

/// <summary>
/// Every HTTP route of CollectionsFx, relative to the <c>api/</c> prefix. The Functions app's triggers
/// and the local host both use these constants; a test checks that both expose the same set.
/// </summary>
public static class Routes
{
    /// <summary>The route prefix both faces put before every route.</summary>
    public const string Prefix = "api";

    /// <summary>CloudEvents webhooks from one source system (POST).</summary>
    public const string Ingest = "ingest/{source}";

    /// <summary>Names of the published JSON Schemas (GET).</summary>
    public const string Schemas = "schemas";

    /// <summary>The JSON Schema of one event type (GET).</summary>
    public const string Schema = "schemas/{type}";

    /// <summary>Pending dead letters (GET).</summary>
    public const string DeadLetters = "deadletters";

    /// <summary>Replays one dead letter, optionally with a corrected event (POST).</summary>
    public const string DeadLetterReplay = "deadletters/{id}/replay";

    /// <summary>Starts a health check of the Durable backend (POST).</summary>
    public const string DurableHealthCheck = "diagnostics/durable";

    /// <summary>Status of one Durable health check (GET).</summary>
    public const string DurableHealthCheckStatus = "diagnostics/durable/{id}";

    /// <summary>KPIs as of a date for a period, grouped (GET).</summary>
    public const string Kpis = "kpis";

    /// <summary>Monthly KPI trend, each month as it stood at its end (GET).</summary>
    public const string KpiTrend = "kpis/trend";

    /// <summary>Execution gaps ranked by money at stake (GET).</summary>
    public const string Gaps = "gaps";

    /// <summary>Current KPI targets (GET).</summary>
    public const string Targets = "targets";

    /// <summary>Sets one KPI's target for a group (PUT).</summary>
    public const string Target = "targets/{kpi}";

    /// <summary>Suggested targets with their explanation (GET).</summary>
    public const string TargetSuggestions = "targets/suggestions";

    /// <summary>Replaces the exchange-rate table with a CSV (PUT).</summary>
    public const string Rates = "rates";

    /// <summary>The cash-in forecast of the open receivables, weekly with a P10-P90 band (GET).</summary>
    public const string Forecast = "forecast";

    /// <summary>The forecast replayed at past dates against the cash that came in, beside the due-date baseline (GET).</summary>
    public const string ForecastBacktest = "forecast/backtest";

    /// <summary>Starts the cycles of every eligible customer, a segment or a list, throttled (POST).</summary>
    public const string DunningBulkStart = "dunning/start";

    /// <summary>Stops, blocks, unblocks or snoozes the running cycles of a segment, a list or all customers, throttled (POST).</summary>
    public const string DunningBulk = "dunning/bulk";

    /// <summary>A customer's dunning cycle: status and state (GET).</summary>
    public const string Dunning = "dunning/{customerId}";

    /// <summary>Starts a customer's dunning cycle; a second start is a no-op (POST).</summary>
    public const string DunningStart = "dunning/{customerId}/start";

    /// <summary>Snooze, block, unblock or wake a customer's cycle (POST).</summary>
    public const string DunningSignal = "dunning/{customerId}/signal";

    /// <summary>Approves or rejects the step waiting for approval (POST).</summary>
    public const string DunningApproval = "dunning/{customerId}/approval";

    /// <summary>Stops a customer's dunning cycle for good (POST); a later start begins a new one.</summary>
    public const string DunningStop = "dunning/{customerId}/stop";

    /// <summary>Records a customer's promise to pay and starts its follow-up (POST).</summary>
    public const string CustomerPromises = "customers/{customerId}/promises";

    /// <summary>Withdraws an open promise (POST); any other state is a 409.</summary>
    public const string PromiseWithdraw = "customers/{customerId}/promises/{promiseId}/withdraw";

    /// <summary>A promise follow-up: status and outcome (GET).</summary>
    public const string PromiseFollowUp = "promises/{promiseId}";

    /// <summary>Opens a dispute on one invoice (POST).</summary>
    public const string CustomerDisputes = "customers/{customerId}/disputes";

    /// <summary>Resolves an open dispute (POST); a resolved one is a 409.</summary>
    public const string DisputeResolve = "customers/{customerId}/disputes/{disputeId}/resolve";

    /// <summary>Open tasks (calls, approvals, sales support, broken promises) of an assignee or a customer (GET).</summary>
    public const string Tasks = "tasks";

    /// <summary>The customer 360: account, aging, payment history, promises, disputes, contacts, scores, tasks, dunning (GET).</summary>
    public const string Customer = "customers/{customerId}";

    /// <summary>Erases a customer's personal data, keeping amounts for KPIs (DELETE, managers only; audited).</summary>
    public const string CustomerPersonalData = "customers/{customerId}/personal-data";

    /// <summary>Moves customers to a collector (POST, managers only).</summary>
    public const string CustomerAssign = "customers/assign";

    /// <summary>Which next-best actions run touchless (GET; PUT by managers).</summary>
    public const string Automation = "automation";

    /// <summary>Who the API sees the caller as, and how the web app signs users in (GET).</summary>
    public const string Me = "me";

    /// <summary>Customers by value at stake with their next-best action (GET).</summary>
    public const string Worklist = "worklist";

    /// <summary>Executes a customer's next-best action, or the one named (POST).</summary>
    public const string WorklistExecute = "worklist/{customerId}/execute";

    /// <summary>Marks a customer's task done (POST, body names the task's key).</summary>
    public const string TaskDone = "tasks/{customerId}/done";

    /// <summary>Process variants (GET).</summary>
    public const string MiningVariants = "mining/variants";

    /// <summary>Directly-follows graph, frequency or performance (GET).</summary>
    public const string MiningDfg = "mining/dfg";

    /// <summary>Activity, resource, rework and throughput statistics (GET).</summary>
    public const string MiningStats = "mining/stats";

    /// <summary>The event log as XES or OCEL 2.0, streamed (GET).</summary>
    public const string EventLogExport = "eventlog/export";

    /// <summary>Starts the scoring run of a date; a second start is a no-op (POST).</summary>
    public const string ScoringRuns = "scoring/runs";

    /// <summary>Status and summary of one scoring run (GET).</summary>
    public const string ScoringRun = "scoring/runs/{id}";

    /// <summary>Likelihood-to-pay scores of one customer's open invoices (GET).</summary>
    public const string Scores = "scores/{customerId}";

    /// <summary>Model cards and the registry's history (GET).</summary>
    public const string Models = "models";

    /// <summary>Trains a candidate and applies the promotion rule (POST).</summary>
    public const string ModelTrain = "models/train";

    /// <summary>Makes a previous model current again (POST).</summary>
    public const string ModelRollback = "models/rollback";

    /// <summary>Champion/challenger experiments and the playbooks they can compare (GET); creates a draft (POST, managers).</summary>
    public const string Experiments = "experiments";

    /// <summary>One experiment with its result as of today (GET).</summary>
    public const string Experiment = "experiments/{experimentId}";

    /// <summary>Starts a draft experiment: assigns the eligible customers (POST, managers).</summary>
    public const string ExperimentStart = "experiments/{experimentId}/start";

    /// <summary>Stops a running experiment (POST, managers).</summary>
    public const string ExperimentStop = "experiments/{experimentId}/stop";

    /// <summary>Makes an arm's playbook the one for the experiment's population (POST, managers).</summary>
    public const string ExperimentPromote = "experiments/{experimentId}/promote";

    /// <summary>The OpenAPI document of this API (GET).</summary>
    public const string OpenApi = "openapi.json";

    /// <summary>Liveness (GET).</summary>
    public const string Health = "health";
}
