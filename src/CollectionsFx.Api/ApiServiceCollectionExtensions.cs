using CollectionsFx.Api.Ingestion;
using CollectionsFx.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.Api;

/// <summary>Composition of the HTTP API's services, shared by both faces.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Adds storage, ingestion and dead-letter handling.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddLedgerStorage();
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section)
            .Validate(o => o.MaxBodyBytes > 0, "Ingestion:MaxBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IngestionService>();
        services.AddSingleton<DeadLetterHandler>();
        services.AddProblemDetails();
        return services;
    }
}
