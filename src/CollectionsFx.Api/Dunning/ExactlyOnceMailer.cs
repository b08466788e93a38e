using CollectionsFx.Storage.Mail;
using MailKit;
using MailKit.Net.Smtp;

namespace CollectionsFx.Api.Dunning;

/// <summary>What sending did: sent now, already sent before, or not sent (with why).</summary>
public sealed record MailOutcome(bool Sent, string Outcome);

/// <summary>
/// Sends a message at most once per key, through the outbox (ADR 009): a <c>Sending</c> row is added before the send, marked
/// <c>Sent</c> after it. A retry that finds <c>Sent</c> does nothing; one that finds <c>Sending</c> (the process stopped
/// between the send and the mark) does not send again and says so, for a person to check: never twice beats never lost
/// for a dunning letter. A send that fails before the server took the message (server down, refused) marks the row
/// <c>Failed</c> and rethrows, so the activity's retry sends it.
/// </summary>
public sealed class ExactlyOnceMailer(OutboxStore outbox, IEmailSender sender, TimeProvider time)
{
    public async Task<MailOutcome> SendOnceAsync(string customerId, string key, Func<string, EmailMessage> build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        var messageId = OutboxStore.MessageIdFor(key);
        var standing = await outbox.BeginAsync(customerId, key, messageId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (standing is { State: OutboxState.Sent })
        {
            return new MailOutcome(false, "already sent");
        }

        if (standing is { State: OutboxState.Sending })
        {
            return new MailOutcome(false, $"delivery unknown: an earlier attempt stopped between sending {messageId} and recording it; not sent again (check the mail log)");
        }

        try
        {
            await sender.SendAsync(build(messageId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException or System.Net.Sockets.SocketException or IOException)
        {
            await outbox.MarkFailedAsync(customerId, key, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            Diagnostics.Telemetry.Mails.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            throw;
        }

        await outbox.MarkSentAsync(customerId, key, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        Diagnostics.Telemetry.Mails.Add(1, new KeyValuePair<string, object?>("outcome", "sent"));
        return new MailOutcome(true, "sent");
    }
}
