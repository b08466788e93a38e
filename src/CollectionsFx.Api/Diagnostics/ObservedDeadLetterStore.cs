using CollectionsFx.Storage.Blobs;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Api.Diagnostics;

/// <summary>
/// Every dead letter, from any path (webhook items, CSV rows, ERP records, undelivered notices), logged with the one template
/// the Azure alert "dead letters growing" counts and added to the <c>cfx.deadletters</c> counter, in one place: before it
/// the CSV importer and the ERP pull wrote letters the alert never saw.
/// </summary>
public sealed partial class ObservedDeadLetterStore(IDeadLetterStore inner, ILogger<ObservedDeadLetterStore> logger) : IDeadLetterStore
{
    public async Task<string> AddAsync(DeadLetter letter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var id = await inner.AddAsync(letter, cancellationToken).ConfigureAwait(false);
        LogDeadLetter(logger, id, letter.Source, LogText.MaskEmails(letter.Reason));
        Telemetry.DeadLetters.Add(1, new KeyValuePair<string, object?>("source", letter.Source));
        return id;
    }

    public IAsyncEnumerable<DeadLetter> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

    public Task<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

    public Task MarkReplayedAsync(string id, CancellationToken cancellationToken = default) => inner.MarkReplayedAsync(id, cancellationToken);

    [LoggerMessage(1, LogLevel.Warning, Ingestion.IngestionService.DeadLetterLogTemplate)]
    private static partial void LogDeadLetter(ILogger logger, string deadLetterId, string source, string reason);
}
