using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace CollectionsFx.Storage.Scoring;

/// <summary>Customers whose ledger changed at <see cref="At"/> (after the commit), to be scored again.</summary>
public sealed record RescoreRequest(IReadOnlyList<string> Customers, DateTimeOffset At, string? TraceParent = null);

/// <summary>Where ingestion asks for customers to be scored again.</summary>
public interface IRescoreRequests
{
    /// <summary>Asks for <paramref name="request"/>'s customers to be scored again (durably: it survives a restart).</summary>
    Task RequestAsync(RescoreRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// The rescore Storage queue (ADR 007): ingestion enqueues one message per accepted request that changed ledgers; the
/// Functions queue trigger (in Azure) or the local host's worker (locally) scores those customers with the current model.
/// Messages are Base64 JSON, as the Functions trigger reads them.
/// </summary>
public sealed class RescoreQueue(QueueClient queue, QueueClient poison) : IRescoreRequests
{
    /// <summary>Per customer, the trace of the latest request that named it (requests without a trace name none).</summary>
    public static IReadOnlyDictionary<string, string> Causes(IEnumerable<RescoreRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var causes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var request in requests.Where(r => r.TraceParent is not null).OrderBy(r => r.At))
        {
            foreach (var customer in request.Customers)
            {
                causes[customer] = request.TraceParent!;
            }
        }

        return causes;
    }

    /// <summary>Attempts before a message goes to the poison queue (the Functions trigger's default).</summary>
    public const int MaxDequeueCount = 5;

    /// <inheritdoc />
    public async Task RequestAsync(RescoreRequest request, CancellationToken cancellationToken = default) =>
        await queue.SendMessageAsync(JsonSerializer.Serialize(request), cancellationToken).ConfigureAwait(false);

    /// <summary>Up to <paramref name="max"/> messages, invisible to others for <paramref name="visibility"/>.</summary>
    public async Task<QueueMessage[]> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken = default) =>
        (await queue.ReceiveMessagesAsync(max, visibility, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Removes a handled message.</summary>
    public async Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves a message that failed <see cref="MaxDequeueCount"/> times to <c>{queue}-poison</c>, as the Functions host does.</summary>
    public async Task PoisonAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
        await DeleteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a message body.</summary>
    public static RescoreRequest Parse(string body) =>
        JsonSerializer.Deserialize<RescoreRequest>(body) ?? throw new JsonException("empty rescore request");
}
