namespace CollectionsFx.Storage.Connectors.Crm;

/// <summary>The CRM to escalate to, section <c>Connectors:Crm</c>. <see cref="Kind"/> empty or <c>none</c>: no CRM.</summary>
public sealed class CrmOptions
{
    public const string Section = "Connectors:Crm";

    /// <summary><c>dataverse</c>, <c>salesforce</c>, <c>webhook</c> or <c>none</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>
    /// Dataverse: the Web API root (<c>https://{org}.crm.dynamics.com/api/data/v9.2/</c>). Salesforce: the instance URL (empty: the
    /// token's <c>instance_url</c>). Webhook: the URL that receives the signed requests.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>OAuth2 token endpoint for client credentials (Entra: <c>https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token</c>; Salesforce: <c>https://{MyDomain}.my.salesforce.com/services/oauth2/token</c>).</summary>
    public string? TokenUrl { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Entra scope (Dataverse: <c>https://{org}.crm.dynamics.com/.default</c>); Salesforce needs none.</summary>
    public string? Scope { get; set; }

    /// <summary>Dataverse: the alternate-key column of <c>incident</c> and <c>task</c> that holds CollectionsFx's key.</summary>
    public string DataverseKeyColumn { get; set; } = "cfx_externalid";

    /// <summary>Dataverse: the alternate-key column of <c>account</c> that holds the ERP customer number.</summary>
    public string DataverseAccountKey { get; set; } = "accountnumber";

    /// <summary>Salesforce REST API version.</summary>
    public string SalesforceApiVersion { get; set; } = "v62.0";

    /// <summary>Salesforce: the external-id field of Case and Task that holds CollectionsFx's key.</summary>
    public string SalesforceKeyField { get; set; } = "CollectionsFx_Key__c";

    /// <summary>Salesforce: the external-id field of Account that holds the ERP customer number.</summary>
    public string SalesforceAccountKeyField { get; set; } = "CollectionsFx_Customer__c";

    /// <summary>Webhook: the HMAC secret of the <c>CollectionsFx-Signature</c> header.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Retries after 408, 429 (honouring Retry-After), 5xx and timeouts.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First retry delay when no Retry-After is given (exponential with jitter after that).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one attempt may take before it counts as a timeout and is retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Attempts within the sampling window (three attempt timeouts) before the circuit breaker judges the CRM: a CRM that
    /// fails <see cref="BreakerFailureRatio"/> of them is left alone for <see cref="BreakDuration"/>, calls meanwhile fail at
    /// once (the activities' own retries come back later). The library's default of 100 would never open for the few
    /// escalations a collections team sends a minute.
    /// </summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Share of failed attempts in the window that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>How long an open circuit stays open before one trial call is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
