using CollectionsFx.Api.Imports;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Api.Jobs;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Connectors;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.Api;

/// <summary>Composition of the application's services, one method per capability, shared by both faces.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Everything both faces host: storage, webhooks, imports, ERP connectors, scheduled jobs.</summary>
    public static IServiceCollection AddCollectionsFx(this IServiceCollection services) =>
        services.AddLedgerStorage().AddIngestion().AddImports().AddConnectors().AddJobs();

    /// <summary>CloudEvents webhooks, schemas and dead-letter replay.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section)
            .Validate(o => o.MaxBodyBytes > 0, "Ingestion:MaxBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IngestionService>();
        services.AddSingleton<DeadLetterHandler>();
        services.AddProblemDetails();
        return services;
    }

    /// <summary>Invoice extract imports (CLI, blob trigger, local watcher).</summary>
    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddSingleton<InvoiceImporter>();
        services.AddSingleton<ImportHandler>();
        return services;
    }

    /// <summary>Timer jobs: the ERP pull and the event log export.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSingleton<EventLogExporter>();
        services.AddSingleton<ErpPullService>();
        return services;
    }
}
