namespace CollectionsFx.Storage.Connectors.BusinessCentral;

/// <summary>One Business Central company to pull from, section <c>Connectors:BusinessCentral</c>.</summary>
public sealed class BusinessCentralOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Connectors:BusinessCentral";

    /// <summary>Company API root, e.g. <c>https://api.businesscentral.dynamics.com/v2.0/{tenant}/{environment}/api/v2.0/companies({id})/</c>. Empty: the connector is off.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Entra tenant of the app registration (client credentials). Empty: no token is sent (tests, proxies).</summary>
    public string? TenantId { get; set; }

    /// <summary>App registration id.</summary>
    public string? ClientId { get; set; }

    /// <summary>App registration secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Entities per page asked for with <c>Prefer: odata.maxpagesize</c>.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Currency of amounts with an empty <c>currencyCode</c> (the company's local currency).</summary>
    public string LocalCurrency { get; set; } = "EUR";

    /// <summary>Name used in watermarks, delivery keys and the event log's resource.</summary>
    public string Name { get; set; } = "bc";

    /// <summary>Retries after a 429, 408 or 5xx answer (a Retry-After header sets the wait).</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First retry delay when the answer has no Retry-After (exponential with jitter after that).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>True when a company is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(BaseUrl);
}
