using Microsoft.DurableTask;

namespace CollectionsFx.Workflows.Actions;

/// <summary>
/// An escalation to open (or update) in the CRM as a case, once per <see cref="Key"/>: the key is the case's external id
/// there and the dedupe key of the action logged in the ledger.
/// </summary>
public sealed record EscalationRequest(string CustomerId, string Key, string Title, string Description, bool Urgent, IReadOnlyList<string> InvoiceIds);

/// <summary>
/// A task for a person, once per <see cref="Key"/>: <see cref="Kind"/> <c>call</c> (the collector calls the customer),
/// <c>sales-support</c> (the account owner helps), <c>broken-promises</c> (the collector follows up a pattern).
/// </summary>
public sealed record TaskRequest(string CustomerId, string Key, string Kind, string Subject, string Description, DateOnly Due, bool Urgent, IReadOnlyList<string> InvoiceIds);

/// <summary>A credit hold to set (<see cref="Hold"/>) or release in the ERP, once per <see cref="Key"/>.</summary>
public sealed record CreditHoldRequest(string CustomerId, string Key, bool Hold, string Reason);

/// <summary>What an action did, in words.</summary>
public sealed record ActionResult(bool Done, string Outcome);

/// <summary>Actions on the CRM, implemented by the application (both faces register it): each is idempotent by its key and logged with its cost.</summary>
public interface ICollectionActions
{
    Task<ActionResult> EscalateAsync(EscalationRequest request, CancellationToken cancellationToken);

    Task<ActionResult> CreateTaskAsync(TaskRequest request, CancellationToken cancellationToken);

    /// <summary>Sets or releases the customer's credit hold in the ERP (Business Central <c>blocked</c>).</summary>
    Task<ActionResult> SetCreditHoldAsync(CreditHoldRequest request, CancellationToken cancellationToken);
}

/// <summary>Named retry policies of the actions that leave the system (the connectors retry a single call; these retry the activity).</summary>
public static class ActionRetries
{
    /// <summary>A CRM write: a few patient retries (the connector has already honoured Retry-After on each call).</summary>
    public static readonly TaskOptions Crm = new(new TaskRetryOptions(new RetryPolicy(4, TimeSpan.FromMinutes(1), 2.0, TimeSpan.FromMinutes(15))));
}

/// <summary>Opens or updates a CRM case.</summary>
public sealed class CreateCrmEscalation(ICollectionActions actions) : TaskActivity<EscalationRequest, ActionResult>
{
    public override Task<ActionResult> RunAsync(TaskActivityContext context, EscalationRequest input) => actions.EscalateAsync(input, CancellationToken.None);
}

/// <summary>Creates a task for a collector or an account owner.</summary>
public sealed class CreateCollectorTask(ICollectionActions actions) : TaskActivity<TaskRequest, ActionResult>
{
    public override Task<ActionResult> RunAsync(TaskActivityContext context, TaskRequest input) => actions.CreateTaskAsync(input, CancellationToken.None);
}

/// <summary>Sets or releases a credit hold in the ERP.</summary>
public sealed class SetCreditHold(ICollectionActions actions) : TaskActivity<CreditHoldRequest, ActionResult>
{
    public override Task<ActionResult> RunAsync(TaskActivityContext context, CreditHoldRequest input) => actions.SetCreditHoldAsync(input, CancellationToken.None);
}
