namespace CollectionsFx.Contracts;

/// <summary>
/// A piece of work for a person: a call, a request for sales support, a broken-promise follow-up, or a dunning step waiting
/// for approval. <see cref="Key"/> is the workflow's idempotency key; <see cref="Assignee"/> the collector, account owner or
/// approver; <see cref="Crm"/> where the CRM holds it (empty: only here).
/// </summary>
public sealed record WorkTask(
    string CustomerId, string Key, string Kind, string Assignee, string Subject, string Description, DateOnly Due, bool Urgent,
    DateTimeOffset CreatedAt, string Status = WorkTask.Open, string? Crm = null, string? ClosedBy = null)
{
    public const string Open = "open";

    public const string Done = "done";
}
