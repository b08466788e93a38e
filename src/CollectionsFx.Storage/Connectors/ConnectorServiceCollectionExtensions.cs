using CollectionsFx.Storage.Connectors.BusinessCentral;
using CollectionsFx.Storage.Connectors.Crm;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Storage.Connectors;

/// <summary>Registers the ERP connectors.</summary>
public static class ConnectorServiceCollectionExtensions
{
    /// <summary>Adds the Business Central client (with retries on 429/5xx honouring Retry-After), mapper and watermarks.</summary>
    public static IServiceCollection AddConnectors(this IServiceCollection services)
    {
        services.AddOptions<BusinessCentralOptions>().BindConfiguration(BusinessCentralOptions.Section)
            .Validate(o => !o.Enabled || Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), "Connectors:BusinessCentral:BaseUrl must be an absolute URL.")
            .ValidateOnStart();
        var pipeline = services.AddHttpClient<BusinessCentralClient>().AddStandardResilienceHandler();
        services.AddOptions<HttpStandardResilienceOptions>(pipeline.PipelineName).Configure<IOptions<BusinessCentralOptions>>((resilience, bc) =>
        {
            resilience.Retry.MaxRetryAttempts = bc.Value.MaxRetries;
            resilience.Retry.Delay = bc.Value.RetryDelay;
            resilience.Retry.ShouldRetryAfterHeader = true;
        });
        services.AddSingleton(sp => new BusinessCentralMapper(sp.GetRequiredService<IOptions<BusinessCentralOptions>>().Value));
        services.AddSingleton(sp => new WatermarkStore(sp.GetRequiredService<StorageLayout>().Connectors));
        return services.AddCrm();
    }

    /// <summary>
    /// Adds the CRM connector <c>Connectors:Crm:Kind</c> names (none when empty) over an HttpClient that retries 408, 429
    /// (honouring Retry-After), 5xx and timeouts, with a circuit breaker; upserts by key make every retry safe.
    /// </summary>
    public static IServiceCollection AddCrm(this IServiceCollection services)
    {
        services.AddOptions<CrmOptions>().BindConfiguration(CrmOptions.Section)
            .Validate(o => o.Kind is null or "" or "none" or "dataverse" or "salesforce" or "webhook", "Connectors:Crm:Kind must be dataverse, salesforce, webhook or none.")
            .Validate(o => o.Kind is null or "" or "none" || Uri.TryCreate(o.Kind == "salesforce" ? o.TokenUrl : o.BaseUrl, UriKind.Absolute, out _), "Connectors:Crm needs an absolute BaseUrl (TokenUrl for Salesforce).")
            .ValidateOnStart();
        const string client = "crm";
        var pipeline = services.AddHttpClient(client).AddStandardResilienceHandler();
        services.AddOptions<HttpStandardResilienceOptions>(pipeline.PipelineName).Configure<IOptions<CrmOptions>>((resilience, crm) =>
        {
            resilience.Retry.MaxRetryAttempts = crm.Value.MaxRetries;
            resilience.Retry.Delay = crm.Value.RetryDelay;
            resilience.Retry.ShouldRetryAfterHeader = true;
            resilience.AttemptTimeout.Timeout = crm.Value.AttemptTimeout;
            resilience.CircuitBreaker.SamplingDuration = crm.Value.AttemptTimeout * 3;
            resilience.CircuitBreaker.MinimumThroughput = crm.Value.BreakerMinimumThroughput;
            resilience.CircuitBreaker.FailureRatio = crm.Value.BreakerFailureRatio;
            resilience.CircuitBreaker.BreakDuration = crm.Value.BreakDuration;
            // Every attempt may time out and the exponential delays double each time; half a minute more for Retry-After waits.
            resilience.TotalRequestTimeout.Timeout = (crm.Value.AttemptTimeout * (crm.Value.MaxRetries + 1)) + (crm.Value.RetryDelay * Math.Pow(2, crm.Value.MaxRetries + 1)) + TimeSpan.FromSeconds(30);
        });
        services.AddSingleton<ICrmConnector>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<CrmOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(client);
            var time = sp.GetRequiredService<TimeProvider>();
            return o.Kind switch
            {
                "dataverse" => new DataverseCrm(http, o, time),
                "salesforce" => new SalesforceCrm(http, o, time),
                "webhook" => new WebhookCrm(http, o, time),
                _ => new NoCrm(),
            };
        });
        return services;
    }
}
