namespace CollectionsFx.Api.Jobs;

/// <summary>
/// Every timer of CollectionsFx as an NCRONTAB expression with seconds (the Functions timer format; Cronos
/// reads the same with <c>CronFormat.IncludeSeconds</c>). The Functions app's timer triggers and the local
/// host's scheduler both use these; a test checks that both have the same set.
/// </summary>
public static class Schedules
{
    /// <summary>Nightly export of the event log into blob segments for analytics, 02:00 UTC.</summary>
    public const string EventLogExport = "0 0 2 * * *";

    /// <summary>Pull of ERP deltas: the app setting <c>ErpPullSchedule</c> (every 5 minutes by default, see <see cref="Defaults"/>).</summary>
    public const string ErpPull = "%ErpPullSchedule%";

    /// <summary>The nightly scoring run: the app setting <c>ScoringSchedule</c> (02:00 UTC by default; set it to 02:00 of the tenant's zone).</summary>
    public const string NightlyScoring = "%ScoringSchedule%";

    /// <summary>Monthly retraining with the promotion rule: the app setting <c>RetrainSchedule</c> (03:00 UTC on the 1st by default).</summary>
    public const string Retrain = "%RetrainSchedule%";

    /// <summary>The check that every customer with something to dun has its cycle: the app setting <c>DunningSchedule</c>, hourly; it acts at <c>Dunning:DailyHour</c> (06) tenant time.</summary>
    public const string Dunning = "%DunningSchedule%";

    /// <summary>The nightly purge of finished orchestrations older than <c>History:RetentionDays</c>, 03:30 UTC.</summary>
    public const string PurgeHistory = "0 30 3 * * *";

    /// <summary>The experiments' hourly upkeep (late joiners assigned, then the guardrail: an arm whose dispute rate runs away is stopped), at a quarter past.</summary>
    public const string ExperimentUpkeep = "0 15 * * * *";

    /// <summary>Values of the app settings that schedules name, when configuration has none.</summary>
    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ErpPullSchedule"] = "0 */5 * * * *",
        ["ScoringSchedule"] = "0 0 2 * * *",
        ["RetrainSchedule"] = "0 0 3 1 * *",
        ["DunningSchedule"] = "0 0 * * * *",
    };

    /// <summary>The NCRONTAB expression of a schedule: itself, or for <c>%Setting%</c> the setting's value or its default.</summary>
    public static string Resolve(string schedule, Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(setting);
        if (schedule.Length < 3 || schedule[0] != '%' || schedule[^1] != '%')
        {
            return schedule;
        }

        var name = schedule[1..^1];
        return setting(name) is { Length: > 0 } value ? value
            : Defaults.TryGetValue(name, out var fallback) ? fallback
            : throw new InvalidOperationException($"Schedule setting '{name}' is not set.");
    }

    /// <summary>Name and schedule of every job, as the local host registers them.</summary>
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ExportEventLog"] = EventLogExport,
        ["PullErpDeltas"] = ErpPull,
        ["ScoreOpenInvoices"] = NightlyScoring,
        ["RetrainModel"] = Retrain,
        ["EnsureDunningCycles"] = Dunning,
        ["PurgeOrchestrationHistory"] = PurgeHistory,
        ["MaintainExperiments"] = ExperimentUpkeep,
    };
}
