using CollectionsFx.Api.Dunning;
using CollectionsFx.Storage.Scoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Cli;

/// <summary>
/// The local host's stand-in for the Functions queue trigger <c>ScoreChangedCustomers</c>: polls the rescore queue, scores
/// the customers of every message received together once and wakes their dunning cycles (<see cref="LedgerChanges"/>), deletes the messages, and moves a message that failed
/// <see cref="RescoreQueue.MaxDequeueCount"/> times to the poison queue (as the Functions host does).
/// </summary>
public sealed partial class RescoreWorker(RescoreQueue queue, LedgerChanges changes, Microsoft.DurableTask.Client.DurableTaskClient client, TimeProvider time, ILogger<RescoreWorker> logger) : BackgroundService
{
    /// <summary>Pause between polls of an empty queue.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var messages = await queue.ReceiveAsync(32, TimeSpan.FromMinutes(2), stoppingToken).ConfigureAwait(false);
                if (messages.Length == 0)
                {
                    await Task.Delay(Poll, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                foreach (var poison in messages.Where(m => m.DequeueCount > RescoreQueue.MaxDequeueCount))
                {
                    await queue.PoisonAsync(poison, stoppingToken).ConfigureAwait(false);
                    LogPoisoned(logger, poison.MessageId);
                }

                var live = messages.Where(m => m.DequeueCount <= RescoreQueue.MaxDequeueCount).ToList();
                var customers = live.SelectMany(m => RescoreQueue.Parse(m.Body.ToString()).Customers).ToHashSet(StringComparer.Ordinal);
                var woken = await changes.HandleAsync(customers, client, stoppingToken).ConfigureAwait(false);
                foreach (var m in live)
                {
                    await queue.DeleteAsync(m, stoppingToken).ConfigureAwait(false);
                }

                LogHandled(logger, customers.Count, woken.CyclesWoken, woken.FollowUpsStarted, woken.FollowUpsWoken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The messages become visible again and are retried; after five attempts they go to the poison queue.
                LogFailed(logger, ex);
                await Task.Delay(Poll, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Rescored {Customers} changed customers, woke {Cycles} dunning cycles, started {Started} and woke {Woken} promise follow-ups")]
    private static partial void LogHandled(ILogger logger, int customers, int cycles, int started, int woken);

    [LoggerMessage(2, LogLevel.Warning, "Rescoring failed; the messages will be retried")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Error, "Rescore message {MessageId} failed five times and was moved to the poison queue")]
    private static partial void LogPoisoned(ILogger logger, string messageId);
}
