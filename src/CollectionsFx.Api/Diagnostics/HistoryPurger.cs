using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Api.Diagnostics;

/// <summary>How long finished orchestrations keep their history (section <c>History</c>).</summary>
public sealed class HistoryOptions
{
    public const string Section = "History";

    /// <summary>Days a completed, failed or terminated instance stays queryable before the nightly purge removes it.</summary>
    public int RetentionDays { get; set; } = 30;
}

/// <summary>
/// The nightly purge (timer <c>PurgeOrchestrationHistory</c>) of finished orchestrations older than the retention: scoring runs,
/// retrainings, promise follow-ups, ended dunning cycles, health checks. Running instances are never purged; a dunning cycle
/// that runs for years keeps only its current generation anyway (ContinueAsNew), so the task hub stays small.
/// </summary>
public sealed partial class HistoryPurger(IOptions<HistoryOptions> options, TimeProvider time, ILogger<HistoryPurger> logger)
{
    private static readonly OrchestrationRuntimeStatus[] Finished = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    /// <summary>Purges what finished (was created) before the retention; returns how many instances went.</summary>
    public async Task<int> PurgeAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var before = time.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays);
        var result = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(DateTimeOffset.UnixEpoch, before, Finished), cancellationToken).ConfigureAwait(false);
        LogPurged(logger, result.PurgedInstanceCount, before);
        return result.PurgedInstanceCount;
    }

    [LoggerMessage(1, LogLevel.Information, "Purged {Count} finished orchestrations created before {Before}")]
    private static partial void LogPurged(ILogger logger, int count, DateTimeOffset before);
}
