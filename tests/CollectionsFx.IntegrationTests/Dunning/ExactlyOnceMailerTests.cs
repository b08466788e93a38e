using CollectionsFx.Api.Dunning;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Mail;
using Microsoft.Extensions.Options;

namespace CollectionsFx.IntegrationTests.Dunning;

/// <summary>The outbox over Azurite with a real SMTP server in process: one mail per key, whatever fails where.</summary>
[Collection(StackCollection.Name)]
public sealed class ExactlyOnceMailerTests(StackFixture stack) : IAsyncLifetime
{
    private readonly SmtpSink sink = new();
    private OutboxStore outbox = null!;

    public async Task InitializeAsync()
    {
        var layout = StorageLayout.Create(new StorageOptions { ConnectionString = stack.Azurite.ConnectionString, Prefix = AzuriteFixture.NewPrefix() });
        await layout.EnsureCreatedAsync();
        outbox = new OutboxStore(layout.Outbox);
    }

    public async Task DisposeAsync() => await sink.DisposeAsync();

    private IEmailSender Smtp(int to) => new SmtpEmailSender(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = to }));

    private static EmailMessage Mail(string messageId) =>
        new(messageId, "ar@fabrikam.example", "ada@fabrikam.example", "ap@contoso.example", "Payment reminder", "<p>Hello</p>", "Hello");

    [Fact]
    public async Task A_second_attempt_with_the_same_key_sends_nothing_and_the_mail_carries_the_keys_message_id()
    {
        var mailer = new ExactlyOnceMailer(outbox, Smtp(sink.Port), TimeProvider.System);

        var first = await mailer.SendOnceAsync("C1", "dunning-C1/3/L2", Mail, CancellationToken.None);
        var second = await mailer.SendOnceAsync("C1", "dunning-C1/3/L2", Mail, CancellationToken.None);

        Assert.Equal((true, false, "already sent"), (first.Sent, second.Sent, second.Outcome));
        var mail = Assert.Single(sink.Messages);
        Assert.Equal(OutboxStore.MessageIdFor("dunning-C1/3/L2"), mail.MessageId);
        Assert.Equal("ada@fabrikam.example", mail.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal(OutboxState.Sent, (await outbox.GetAsync("C1", "dunning-C1/3/L2"))!.State);
    }

    [Fact]
    public async Task A_crash_between_the_send_and_its_record_never_sends_twice()
    {
        var crashing = new ExactlyOnceMailer(outbox, new CrashAfterSend(Smtp(sink.Port)), TimeProvider.System);
        var retry = new ExactlyOnceMailer(outbox, Smtp(sink.Port), TimeProvider.System);

        await Assert.ThrowsAsync<InvalidOperationException>(() => crashing.SendOnceAsync("C2", "k", Mail, CancellationToken.None));
        var again = await retry.SendOnceAsync("C2", "k", Mail, CancellationToken.None);

        Assert.False(again.Sent);
        Assert.StartsWith("delivery unknown", again.Outcome, StringComparison.Ordinal);
        Assert.Single(sink.Messages);
    }

    [Fact]
    public async Task A_server_that_is_down_leaves_the_message_to_the_retry_which_sends_it_once()
    {
        var down = new ExactlyOnceMailer(outbox, Smtp(SmtpSink.FreePort()), TimeProvider.System);
        var up = new ExactlyOnceMailer(outbox, Smtp(sink.Port), TimeProvider.System);

        await Assert.ThrowsAnyAsync<Exception>(() => down.SendOnceAsync("C3", "k", Mail, CancellationToken.None));
        Assert.Equal(OutboxState.Failed, (await outbox.GetAsync("C3", "k"))!.State);
        var sent = await up.SendOnceAsync("C3", "k", Mail, CancellationToken.None);
        var again = await up.SendOnceAsync("C3", "k", Mail, CancellationToken.None);

        Assert.Equal((true, false), (sent.Sent, again.Sent));
        Assert.Single(sink.Messages);
    }

    /// <summary>Sends, then dies before the outbox hears of it (as a process killed at that moment would).</summary>
    private sealed class CrashAfterSend(IEmailSender inner) : IEmailSender
    {
        public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            await inner.SendAsync(message, cancellationToken);
            throw new InvalidOperationException("the process stopped here");
        }
    }
}
