using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CollectionsFx.Api.Diagnostics;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Workflows.Dunning;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Api.Dunning;

/// <summary>
/// Notices and mails undelivered after their retries, kept with the ingestion's dead letters (one per notice key, so the
/// hourly redelivery of a notice during a long outage replaces its letter instead of piling up; the store logs it with the
/// dead-letter template the alert watches). A notice delivered later leaves the pending list; such a letter is never replayed
/// by hand (the cycle offers the notice again by itself).
/// </summary>
public sealed partial class UndeliveredNotices(IDeadLetterStore store, TimeProvider time, ILogger<UndeliveredNotices> logger)
{
    /// <summary>The <see cref="DeadLetter.EventType"/> of such letters.</summary>
    public const string MediaType = "application/vnd.collectionsfx.undelivered-notice+json";

    /// <summary>The <see cref="DeadLetter.Source"/> of such letters.</summary>
    public const string Source = "outbound";

    /// <summary>The dead letter id of a notice key (keys hold characters ids may not).</summary>
    public static string IdFor(string key) =>
        "notice-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];

    /// <summary>Keeps (or replaces) the letter of <paramref name="notice"/>; returns its id.</summary>
    public async Task<string> AddAsync(UndeliveredNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var id = IdFor(notice.Key);
        var error = LogText.MaskEmails(notice.Error);
        var reason = $"{notice.What} for {notice.CustomerId} undelivered after its retries: {error}";
        await store.AddAsync(new DeadLetter(id, Source, time.GetUtcNow(), reason, [new FieldError("delivery", error)], notice.Key, MediaType,
            JsonSerializer.Serialize(notice with { Error = error })), cancellationToken).ConfigureAwait(false);
        return id; // logged and counted by the store (ObservedDeadLetterStore)
    }

    /// <summary>Moves the letter of <paramref name="key"/>, if any, out of the pending list: the notice went out after all.</summary>
    public async Task ResolveAsync(string key, CancellationToken cancellationToken)
    {
        var id = IdFor(key);
        if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not null)
        {
            await store.MarkReplayedAsync(id, cancellationToken).ConfigureAwait(false);
            LogDelivered(logger, id);
        }
    }

    [LoggerMessage(2, LogLevel.Information, "Dead letter {DeadLetterId} delivered after all; no longer pending")]
    private static partial void LogDelivered(ILogger logger, string deadLetterId);
}
