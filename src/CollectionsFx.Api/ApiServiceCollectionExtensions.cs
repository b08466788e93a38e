using CollectionsFx.Api.Imports;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Api.Insights;
using CollectionsFx.Api.Jobs;
using CollectionsFx.Api.Scoring;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Connectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CollectionsFx.Api;

/// <summary>Composition of the application's services, one method per capability, shared by both faces.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Everything both faces host: storage, webhooks, imports, ERP connectors, scheduled jobs.</summary>
    public static IServiceCollection AddCollectionsFx(this IServiceCollection services) =>
        services.AddLedgerStorage().AddIngestion().AddImports().AddConnectors().AddJobs().AddInsights().AddScoring().AddCollections();

    /// <summary>Likelihood-to-pay scoring runs (the workflows call <see cref="Workflows.Scoring.IScoringRunner"/>).</summary>
    public static IServiceCollection AddScoring(this IServiceCollection services)
    {
        services.AddSingleton<ScoreCache>();
        services.AddSingleton<ScoringService>();
        services.AddSingleton<Workflows.Scoring.IScoringRunner>(sp => sp.GetRequiredService<ScoringService>());
        services.AddSingleton<Workflows.Scoring.IModelTrainer>(sp => sp.GetRequiredService<ModelService>());
        services.AddSingleton<OnDemandScoring>();
        services.AddSingleton<ModelService>();
        services.AddSingleton<ScoringHandler>();
        return services;
    }

    /// <summary>Dunning cycles, promise follow-ups and the CRM actions they take (the workflows call the interfaces registered here).</summary>
    public static IServiceCollection AddCollections(this IServiceCollection services)
    {
        services.AddSingleton(_ => Domain.Dunning.PlaybookSet.Default());
        services.AddOptions<Dunning.DunningOptions>().BindConfiguration(Dunning.DunningOptions.Section);
        services.AddSingleton<Dunning.AccountReader>();
        services.AddSingleton<Dunning.NoticeRenderer>();
        services.AddSingleton<Dunning.ExactlyOnceMailer>();
        services.AddSingleton<Actions.ActionLog>();
        services.AddSingleton<Workflows.Actions.ICollectionActions, Actions.CollectionActionService>();
        services.AddSingleton<Dunning.UndeliveredNotices>();
        services.AddSingleton<Recovery.LedgerReplay>();
        services.AddSingleton<Experiments.ExperimentService>();
        services.AddSingleton<Experiments.ExperimentHandler>();
        services.AddSingleton<Workflows.Dunning.IDunningActions, Dunning.DunningService>();
        services.AddSingleton<Workflows.Promises.IPromiseActions, Promises.PromiseService>();
        services.AddSingleton<Dunning.DunningScheduler>();
        services.AddSingleton<Dunning.LedgerChanges>();
        services.AddSingleton<Collections.CustomerActionsHandler>();
        services.AddOptions<Collections.AutomationOptions>().BindConfiguration(Collections.AutomationOptions.Section);
        services.AddSingleton<Collections.AutomationService>();
        services.AddSingleton<Collections.WorklistService>();
        services.AddSingleton<Collections.WorklistHandler>();
        services.AddSingleton<Collections.Customer360Service>();
        services.AddOptions<Http.AccessOptions>().BindConfiguration(Http.AccessOptions.Section);
        services.AddSingleton<Http.MeHandler>();
        services.AddSingleton<Http.RouteAccess>();
        services.AddSingleton<Privacy.ErasureService>();
        services.AddOptions<Diagnostics.HistoryOptions>().BindConfiguration(Diagnostics.HistoryOptions.Section);
        services.AddSingleton<Diagnostics.HistoryPurger>();
        services.AddSingleton<Diagnostics.HealthService>();
        return services;
    }

    /// <summary>KPIs, targets, gaps and process mining over an in-memory snapshot of the event log, refreshed in the background.</summary>
    public static IServiceCollection AddInsights(this IServiceCollection services)
    {
        services.AddOptions<InsightsOptions>().BindConfiguration(InsightsOptions.Section)
            .Validate(o => Domain.Money.Iso4217.IsValid(o.ReportingCurrency), "Insights:ReportingCurrency must be an ISO 4217 code.")
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Insights:TimeZone must be a known time zone id (e.g. Europe/Berlin).")
            .Validate(o => o.RefreshSeconds > 0 && o.FullReloadMinutes > 0, "Insights:RefreshSeconds and FullReloadMinutes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<InsightsService>();
        services.AddHostedService<InsightsRefresher>();
        services.AddSingleton<InsightsHandler>();
        services.AddSingleton<ForecastHandler>();
        services.AddSingleton<MiningHandler>();
        return services;
    }

    /// <summary>CloudEvents webhooks, schemas and dead-letter replay.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section)
            .Validate(o => o.MaxBodyBytes > 0, "Ingestion:MaxBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IngestionService>();
        services.AddSingleton<DeadLetterHandler>();

        // Every dead letter logged with the alert's template and counted, whichever path writes it.
        var store = services.LastOrDefault(d => d.ServiceType == typeof(Storage.Blobs.IDeadLetterStore))
            ?? throw new InvalidOperationException("Register the storage (AddLedgerStorage) before the ingestion.");
        services.Replace(ServiceDescriptor.Singleton<Storage.Blobs.IDeadLetterStore>(sp => new Diagnostics.ObservedDeadLetterStore(
            store.ImplementationFactory is { } make ? (Storage.Blobs.IDeadLetterStore)make(sp) : (Storage.Blobs.IDeadLetterStore)(store.ImplementationInstance ?? ActivatorUtilities.CreateInstance(sp, store.ImplementationType!)),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Diagnostics.ObservedDeadLetterStore>>())));
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
