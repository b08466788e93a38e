using CollectionsFx.Api.Imports;
using CollectionsFx.Api.Jobs;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Connectors;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.Api;

/// <summary>Composition of the HTTP API's services, shared by both faces.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Adds storage, webhook ingestion, extract imports and dead-letter handling.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddLedgerStorage();
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section)
            .Validate(o => o.MaxBodyBytes > 0, "Ingestion:MaxBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IngestionService>();
        services.AddSingleton<DeadLetterHandler>();
        services.AddSingleton<InvoiceImporter>();
        services.AddSingleton<ImportHandler>();
        services.AddSingleton<EventLogExporter>();
        services.AddConnectors();
        services.AddSingleton<ErpPullService>();
        services.AddProblemDetails();
        return services;
    }
}
