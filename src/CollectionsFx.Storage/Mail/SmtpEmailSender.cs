using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CollectionsFx.Storage.Mail;

/// <summary>An e-mail to send: its Message-ID is fixed by the caller (deterministic per notice, so a copy is recognisable).</summary>
/// <remarks><see cref="CorrelationId"/>: the trace id of what caused the mail, sent as the <c>X-Correlation-Id</c> header.</remarks>
public sealed record EmailMessage(string MessageId, string From, string? ReplyTo, string To, string Subject, string Html, string Text, string? CorrelationId = null);

/// <summary>The seam e-mail goes through (SMTP here; Azure Communication Services accepts SMTP relay).</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>SMTP settings (section <c>Smtp</c>): MailDev locally, the ACS SMTP relay in Azure.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1025;

    /// <summary>STARTTLS (ACS: true on 587); false for a local sink.</summary>
    public bool StartTls { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }
}

/// <summary>Sends over SMTP with MailKit: one connection per message (notices are few per second; no pool to go stale).</summary>
public sealed class SmtpEmailSender(IOptions<SmtpOptions> options) : IEmailSender
{
    /// <inheritdoc />
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;
        var mime = new MimeMessage { MessageId = message.MessageId, Subject = message.Subject };
        if (message.CorrelationId is { Length: > 0 } correlation)
        {
            mime.Headers.Add("X-Correlation-Id", correlation);
        }

        mime.From.Add(MailboxAddress.Parse(message.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        if (message.ReplyTo is { } replyTo)
        {
            mime.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        }

        mime.Body = new BodyBuilder { HtmlBody = message.Html, TextBody = message.Text }.ToMessageBody();
        using var client = new SmtpClient();
        await client.ConnectAsync(o.Host, o.Port, o.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken).ConfigureAwait(false);
        if (o.UserName is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, o.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(mime, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }
}
