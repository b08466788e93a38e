using CollectionsFx.Storage.Connectors.BusinessCentral;
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
        return services;
    }
}
