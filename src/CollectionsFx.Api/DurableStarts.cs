using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Api;

/// <summary>Starting orchestrations whose instance id is their idempotency key (scoring runs, retraining, dunning cycles).</summary>
public static class DurableStarts
{
    /// <summary>
    /// Starts <paramref name="orchestrator"/> as <paramref name="instanceId"/> unless that instance exists (or, with
    /// <paramref name="restartCompleted"/>, unless it exists and has not completed). The local Durable sidecar accepts a second
    /// start of a running id (ADR 004), so the status is asked first. Returns whether it was started.
    /// </summary>
    public static async Task<bool> StartOnceAsync(
        DurableTaskClient client, string orchestrator, string instanceId, object input, CancellationToken cancellationToken, bool restartCompleted = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is { } existing && !(restartCompleted && existing.IsCompleted))
        {
            return false;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
