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

    /// <summary>Pull of ERP deltas, every 5 minutes.</summary>
    public const string ErpPull = "0 */5 * * * *";

    /// <summary>Name and schedule of every job, as the local host registers them.</summary>
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ExportEventLog"] = EventLogExport,
        ["PullErpDeltas"] = ErpPull,
    };
}
