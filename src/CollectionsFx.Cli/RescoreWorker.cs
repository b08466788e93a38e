using System.Text.Json;
using Azure.Storage.Queues.Models;
using CollectionsFx.Api.Dunning;
using CollectionsFx.Storage.Scoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Cli;

/// <summary>
/// The local host's stand-in for the Functions queue trigger <c>ScoreChangedCustomers</c>: polls the rescore queue, scores
/// the customers of every message received together once and wakes their dunning cycles (<see cref="LedgerChanges"/>), deletes the messages, and moves a message that failed
/// <see cref="RescoreQueue.MaxDequeueCount"/> times to the poison queue (as the Functions host does), an unreadable one at once.
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

                var live = new List<(QueueMessage Message, RescoreRequest Request)>();
                foreach (var message in messages)
                {
                    if (message.DequeueCount > RescoreQueue.MaxDequeueCount || Read(message) is not { } request)
                    {
                        // Tried too often, or unreadable (it never will be): out of the way of the others at once.
                        await queue.PoisonAsync(message, stoppingToken).ConfigureAwait(false);
                        LogPoisoned(logger, message.MessageId, message.DequeueCount);
                        continue;
                    }

                    live.Add((message, request));
                }

                if (live.Count > 0)
                {
                    await HandleAsync(live, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The messages become visible again and are retried; after five attempts they go to the poison queue.
                LogFailed(logger, ex);
                await Task.Delay(Poll, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The customers of all messages in one go; when that fails, message by message, so that one that keeps failing (a poison
    /// message) does not hold back the others received with it: it alone comes back after its visibility timeout.
    /// </summary>
    private async Task HandleAsync(List<(QueueMessage Message, RescoreRequest Request)> live, CancellationToken ct)
    {
        try
        {
            var customers = live.SelectMany(m => m.Request.Customers).ToHashSet(StringComparer.Ordinal);
            var woken = await changes.HandleAsync(customers, client, ct, RescoreQueue.Causes(live.Select(m => m.Request))).ConfigureAwait(false);
            foreach (var (message, _) in live)
            {
                await queue.DeleteAsync(message, ct).ConfigureAwait(false);
            }

            LogHandled(logger, customers.Count, woken.CyclesWoken, woken.FollowUpsStarted, woken.FollowUpsWoken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && live.Count > 1)
        {
            LogFailed(logger, ex);
            foreach (var one in live)
            {
                try
                {
                    await HandleAsync([one], ct).ConfigureAwait(false);
                }
                catch (Exception single) when (single is not OperationCanceledException)
                {
                    LogFailedOne(logger, one.Message.MessageId, one.Message.DequeueCount, single);
                }
            }
        }
    }

    private static RescoreRequest? Read(QueueMessage message)
    {
        try
        {
            return RescoreQueue.Parse(message.Body.ToString()) is { Customers: not null } request ? request : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or NotSupportedException)
        {
            return null;
        }
    }

    [LoggerMessage(4, LogLevel.Warning, "Rescore message {MessageId} failed (attempt {Attempt}); it comes back after its visibility timeout")]
    private static partial void LogFailedOne(ILogger logger, string messageId, long attempt, Exception exception);

    [LoggerMessage(1, LogLevel.Information, "Rescored {Customers} changed customers, woke {Cycles} dunning cycles, started {Started} and woke {Woken} promise follow-ups")]
    private static partial void LogHandled(ILogger logger, int customers, int cycles, int started, int woken);

    [LoggerMessage(2, LogLevel.Warning, "Rescoring failed; the messages will be retried")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Error, "Rescore message {MessageId} (attempt {Attempt}) is unreadable or failed five times: moved to the poison queue")]
    private static partial void LogPoisoned(ILogger logger, string messageId, long attempt);
}
