namespace CollectionsFx.Storage.Connectors.Crm;

/// <summary>
/// A case to create or update in the CRM. <see cref="Key"/> is CollectionsFx's idempotency key: it is the case's external id in
/// the CRM, so sending the same case twice updates the one case instead of opening a second.
/// </summary>
public sealed record CrmCase(string Key, string CustomerId, string Title, string Description, CrmPriority Priority);

/// <summary>A task for a person (the collector, the account owner), upserted by <see cref="Key"/> like a case.</summary>
public sealed record CrmTask(string Key, string CustomerId, string Subject, string Description, DateOnly Due, CrmPriority Priority, string? Owner = null);

/// <summary>Priority as both CRMs know it.</summary>
public enum CrmPriority
{
    High,
    Normal,
    Low,
}

/// <summary>What the CRM answered: which system, the record's id there (when it says), and whether it was created now.</summary>
public sealed record CrmResult(string System, string? RecordId, bool Created);

/// <summary>One CRM: Dataverse (Dynamics 365), Salesforce, a signed webhook, or none.</summary>
public interface ICrmConnector
{
    /// <summary>The connector's name, kept with every action it took.</summary>
    string System { get; }

    Task<CrmResult> UpsertCaseAsync(CrmCase crmCase, CancellationToken cancellationToken = default);

    Task<CrmResult> UpsertTaskAsync(CrmTask task, CancellationToken cancellationToken = default);
}

/// <summary>
/// A CRM that refused a request for good (4xx other than 401/408/429, or a 5xx left after the retries): the status and the CRM's
/// own error code and message, read from Dataverse's <c>{"error":{…}}</c> or Salesforce's <c>[{…}]</c>.
/// </summary>
public sealed class CrmException(string system, int status, string? code, string message)
    : Exception($"{system} answered {status}{(string.IsNullOrEmpty(code) ? "" : " " + code)}: {message}")
{
    public string System { get; } = system;

    public int Status { get; } = status;

    public string? Code { get; } = code;
}

/// <summary>No CRM connected: the action is still logged in the ledger and the event log, nothing leaves the system.</summary>
public sealed class NoCrm : ICrmConnector
{
    public string System => "none";

    public Task<CrmResult> UpsertCaseAsync(CrmCase crmCase, CancellationToken cancellationToken = default) => Task.FromResult(new CrmResult(System, null, false));

    public Task<CrmResult> UpsertTaskAsync(CrmTask task, CancellationToken cancellationToken = default) => Task.FromResult(new CrmResult(System, null, false));
}
