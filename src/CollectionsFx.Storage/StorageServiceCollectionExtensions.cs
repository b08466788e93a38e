using Azure.Data.Tables;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.EventLog;
using CollectionsFx.Storage.Insights;
using CollectionsFx.Storage.Scoring;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Storage.Mail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Storage;

/// <summary>Registers the Azure Tables and Blobs stores.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Adds the ledger, event-log segments, dead-letter and raw-payload stores, bound to configuration section <c>Storage</c>.</summary>
    public static IServiceCollection AddLedgerStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Validate(o => !string.IsNullOrEmpty(o.ConnectionString) || !string.IsNullOrEmpty(o.AccountName), "Set Storage:ConnectionString or Storage:AccountName.")
            .Validate(o => StorageOptions.IsValidPrefix(o.Prefix), "Storage:Prefix must be 1 to 20 letters or digits, starting with a letter (table names allow nothing else).")
            .ValidateOnStart();
        services.AddSingleton(sp => StorageLayout.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton(sp => new TableLedgerStore(sp.GetRequiredService<StorageLayout>().Ledger, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ILedgerStore>(sp => sp.GetRequiredService<TableLedgerStore>());
        services.AddSingleton<ILedgerRedaction>(sp => sp.GetRequiredService<TableLedgerStore>());
        services.AddSingleton<IDeadLetterStore>(sp => new BlobDeadLetterStore(sp.GetRequiredService<StorageLayout>().DeadLetters));
        services.AddSingleton<IRawPayloadStore>(sp => new BlobRawPayloadStore(sp.GetRequiredService<StorageLayout>().RawPayloads));
        services.AddSingleton(sp => new EventLogSegments(sp.GetRequiredService<StorageLayout>().EventLog));
        services.AddSingleton(sp => new TargetStore(sp.GetRequiredService<StorageLayout>().Targets));
        services.AddSingleton(sp => new RatesStore(sp.GetRequiredService<StorageLayout>().Insights));
        services.AddSingleton(sp => new ScoreStore(sp.GetRequiredService<StorageLayout>().Scores));
        services.AddSingleton(sp => new BlobModelRegistry(sp.GetRequiredService<StorageLayout>().Models));
        services.AddSingleton(sp => new ScoringRunStore(sp.GetRequiredService<StorageLayout>().Models));
        services.AddSingleton(sp => new RescoreQueue(sp.GetRequiredService<StorageLayout>().Rescore, sp.GetRequiredService<StorageLayout>().RescorePoison));
        services.AddSingleton<IRescoreRequests>(sp => sp.GetRequiredService<RescoreQueue>());
        services.AddSingleton(sp => new OutboxStore(sp.GetRequiredService<StorageLayout>().Outbox));
        services.AddSingleton(sp => new Tasks.TaskStore(sp.GetRequiredService<StorageLayout>().Tasks));
        services.AddSingleton(sp => new Settings.AutomationStore(sp.GetRequiredService<StorageLayout>().Insights));
        services.AddSingleton(sp => new Experiments.ExperimentStore(sp.GetRequiredService<StorageLayout>().Insights));
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section);
        services.AddSingleton<IEmailSender, SmtpEmailSender>();
        services.AddHostedService<StorageInitializer>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
