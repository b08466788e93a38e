using System.Text;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Cli;
using CollectionsFx.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>Azurite plus the local host (`cfx serve`) on a free port, once for the whole collection.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    public const string Source = "erp";
    public const string Secret = "test-secret-erp";

    private WebApplication? app;

    public AzuriteFixture Azurite { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public string Prefix { get; } = AzuriteFixture.NewPrefix();

    public IServiceProvider Services => app!.Services;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync().ConfigureAwait(false);
        app = LocalHost.Build([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Storage:ConnectionString"] = Azurite.ConnectionString,
            ["Storage:Prefix"] = Prefix,
            [$"Ingestion:Secrets:{Source}"] = Secret,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Durable:GrpcPort"] = "0",
            ["Durable:TaskHub"] = "hub" + Prefix,
        }, Durable.TestWorkflows.Register);
        await app.StartAsync().ConfigureAwait(false);
        Client = new HttpClient { BaseAddress = LocalHost.ApiAddress(app) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (app is not null)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        await Azurite.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Storage clients for the host's tables and containers.</summary>
    public StorageLayout Layout => app!.Services.GetRequiredService<StorageLayout>();

    /// <summary>Posts a body to the webhook, signed with the test secret unless told otherwise.</summary>
    public Task<HttpResponseMessage> PostAsync(string body, string contentType = IngestionService.SingleMediaType, string? signature = null, string source = Source)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ingest/{source}") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, signature ?? WebhookSignature.Sign(Secret, DateTimeOffset.UtcNow, bytes));
        return Client.SendAsync(request);
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
