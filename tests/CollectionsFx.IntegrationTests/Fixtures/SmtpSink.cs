using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>A real SMTP server in process (NuGet SmtpServer) on a free loopback port, keeping every message it receives.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Store store = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task server;

    /// <summary>
    /// Starts the sink on <paramref name="port"/> (a free one when null: a server coming back where it was down); with
    /// <paramref name="credentials"/> it requires SMTP AUTH with them (as ACS's relay does).
    /// </summary>
    public SmtpSink((string User, string Password)? credentials = null, int? port = null)
    {
        Port = port ?? FreePort();
        var provider = new ServiceProvider();
        provider.Add(store);
        var options = new SmtpServerOptionsBuilder().ServerName("sink");
        if (credentials is { } c)
        {
            provider.Add(new Authenticator(c.User, c.Password));
            options = options.Endpoint(e => e.Port(Port).AllowUnsecureAuthentication(true).AuthenticationRequired(true));
        }
        else
        {
            options = options.Port(Port);
        }

        server = new SmtpServer.SmtpServer(options.Build(), provider).StartAsync(stop.Token);
    }

    public int Port { get; }

    public IReadOnlyList<MimeMessage> Messages => store.Snapshot();

    /// <summary>A loopback port nothing listens on (for "server down").</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived, or fails after <paramref name="seconds"/>.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(int count, int seconds = 30)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Messages.Count < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"only {Messages.Count} of {count} messages arrived within {seconds} s");
            await Task.Delay(100);
        }

        return Messages;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await server;
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        stop.Dispose();
    }

    private sealed class Authenticator(string user, string password) : SmtpServer.Authentication.IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user1, string password1, CancellationToken cancellationToken) =>
            Task.FromResult(user1 == user && password1 == password);
    }

    private sealed class Store : MessageStore
    {
        private readonly List<MimeMessage> messages = [];

        public IReadOnlyList<MimeMessage> Snapshot()
        {
            lock (messages)
            {
                return [.. messages];
            }
        }

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            lock (messages)
            {
                messages.Add(message);
            }

            return SmtpResponse.Ok;
        }
    }
}
