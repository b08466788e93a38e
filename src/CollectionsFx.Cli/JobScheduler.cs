using CollectionsFx.Api.Jobs;
using Cronos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Cli;

/// <summary>
/// The local host's timers: runs each job of <see cref="Schedules"/> on its Cronos schedule, one run at a time
/// per job, as the Functions timer triggers do in Azure. A failed run is logged and retried at the next tick.
/// <c>Jobs:Enabled=false</c> turns every timer off: the tests' hosts do, so that a run crossing a real hour (the dunning
/// check's daily hour, the nightly scoring) cannot act behind a test's back; the tests call the jobs themselves.
/// </summary>
public sealed partial class JobScheduler(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<JobScheduler> logger) : BackgroundService
{
    /// <summary>Job name to what it runs; must cover <see cref="Schedules.All"/>.</summary>
    public static readonly IReadOnlyDictionary<string, Func<IServiceProvider, CancellationToken, Task>> Jobs =
        new Dictionary<string, Func<IServiceProvider, CancellationToken, Task>>(StringComparer.Ordinal)
        {
            ["ExportEventLog"] = (sp, ct) => sp.GetRequiredService<EventLogExporter>().ExportAsync(ct),
            ["PullErpDeltas"] = (sp, ct) => sp.GetRequiredService<ErpPullService>().PullAsync(ct),
            ["ScoreOpenInvoices"] = (sp, ct) => CollectionsFx.Api.Scoring.ScoringHandler.StartAsync(
                sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>(), sp.GetRequiredService<CollectionsFx.Api.Insights.InsightsService>().Today(), ct),
            ["EnsureDunningCycles"] = (sp, ct) => sp.GetRequiredService<CollectionsFx.Api.Dunning.DunningScheduler>().OnTimerAsync(
                sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>(), ct),
            ["PurgeOrchestrationHistory"] = (sp, ct) => sp.GetRequiredService<CollectionsFx.Api.Diagnostics.HistoryPurger>().PurgeAsync(
                sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>(), ct),
            ["RetrainModel"] = (sp, ct) => sp.GetRequiredService<CollectionsFx.Api.Scoring.ModelService>().StartRetrainingAsync(
                sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>(), ct),
            ["MaintainExperiments"] = (sp, ct) => sp.GetRequiredService<CollectionsFx.Api.Experiments.ExperimentService>().MaintainAsync(ct),
        };

    /// <summary>The setting that turns the timers off (default on).</summary>
    public const string EnabledSetting = "Jobs:Enabled";

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        !configuration.GetValue(EnabledSetting, true) ? LogDisabledAsync() : Task.WhenAll(Schedules.All.Select(job => RunAsync(job.Key, CronExpression.Parse(Schedules.Resolve(job.Value, name => configuration[name]), CronFormat.IncludeSeconds), stoppingToken)));

    private async Task RunAsync(string name, CronExpression schedule, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule.GetNextOccurrence(now, TimeZoneInfo.Utc);
            if (next is null)
            {
                return;
            }

            await Task.Delay(next.Value - now, time, ct).ConfigureAwait(false);
            try
            {
                await Jobs[name](services, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, name, ex);
            }
        }
    }

    private Task LogDisabledAsync()
    {
        LogOff(logger, EnabledSetting);
        return Task.CompletedTask;
    }

    [LoggerMessage(2, LogLevel.Warning, "Timers are off ({Setting}=false): no scheduled job runs in this host")]
    private static partial void LogOff(ILogger logger, string setting);

    [LoggerMessage(1, LogLevel.Error, "Scheduled job {Job} failed; it runs again at its next time")]
    private static partial void LogFailed(ILogger logger, string job, Exception exception);
}
