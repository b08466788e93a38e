using CollectionsFx.Domain.Webhooks;
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

    private readonly Dictionary<string, Task<(WebApplication App, HttpClient Client)>> shared = [];
    private WebApplication? app;

    public AzuriteFixture Azurite { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public string Prefix { get; } = AzuriteFixture.NewPrefix();

    public IServiceProvider Services => app!.Services;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync().ConfigureAwait(false);
        app = LocalHost.Build([], HostSettings(Prefix), Durable.TestWorkflows.Register, HostErrors.AddTo);
        await app.StartAsync().ConfigureAwait(false);
        Client = new HttpClient { BaseAddress = LocalHost.ApiAddress(app) };
    }

    public async Task DisposeAsync()
    {
        foreach (var host in shared.Values)
        {
            var (sharedApp, sharedClient) = await host.ConfigureAwait(false);
            sharedClient.Dispose();
            await sharedApp.StopAsync().ConfigureAwait(false);
            await sharedApp.DisposeAsync().ConfigureAwait(false);
        }

        Client?.Dispose();
        if (app is not null)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        await Azurite.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// An isolated host (see <see cref="StartIsolatedHostAsync"/>) shared by every test that asks for the same
    /// <paramref name="name"/>, stopped with the fixture: for a test class whose assertions need a ledger of its own.
    /// </summary>
    public Task<(WebApplication App, HttpClient Client)> SharedIsolatedHostAsync(string name)
    {
        lock (shared)
        {
            if (!shared.TryGetValue(name, out var host))
            {
                shared[name] = host = StartIsolatedHostAsync();
            }

            return host;
        }
    }

    /// <summary>
    /// A second local host on the same Azurite with its own prefix (so its data, rates and targets are its own), for tests
    /// that would disturb the shared one. The caller disposes it.
    /// </summary>
    public async Task<(WebApplication App, HttpClient Client)> StartIsolatedHostAsync(IDictionary<string, string?>? settings = null, DateOnly? today = null)
    {
        var all = HostSettings(AzuriteFixture.NewPrefix());
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        // A host pinned to a date sees that date as today at the real time of day (its clock runs shifted by whole days).
        var shift = today is { } pinned ? TimeSpan.FromDays(pinned.DayNumber - DateOnly.FromDateTime(DateTime.UtcNow).DayNumber) : TimeSpan.Zero;
        var host = LocalHost.Build([], all, Durable.TestWorkflows.Register, services =>
        {
            services.AddSingleton<TimeProvider>(new ShiftedTimeProvider(shift));
            HostErrors.AddTo(services);
        });
        await host.StartAsync().ConfigureAwait(false);
        return (host, new HttpClient { BaseAddress = LocalHost.ApiAddress(host) });
    }

    /// <summary>
    /// An isolated host seeded with the demo company of <paramref name="options"/> (its rates, then its events through the
    /// webhook), returned once the insights snapshot holds every event: a refresh started after the last commit (waiting for a
    /// count is not enough: one demo event may be several log events, so a count can be reached by a partial snapshot).
    /// The caller disposes it.
    /// </summary>
    public async Task<(WebApplication App, HttpClient Client)> StartDemoHostAsync(Cli.Demo.DemoOptions options, IDictionary<string, string?>? settings = null, DateOnly? today = null)
    {
        var (app, client) = await StartIsolatedHostAsync(settings, today).ConfigureAwait(false);
        var day = today ?? DateOnly.FromDateTime(DateTime.UtcNow);
        var seeder = new Cli.Demo.DemoSeeder(client, new Dictionary<string, string> { [Source] = Secret }, app.Services.GetRequiredService<TimeProvider>());
        await seeder.SeedRatesAsync(Cli.Demo.DemoCompany.RatesCsv(options, day)).ConfigureAwait(false);
        var events = Cli.Demo.DemoCompany.Generate(options, day);
        Assert.Equal(events.Count, await seeder.SeedAsync(events, sourceOverride: Source).ConfigureAwait(false));
        await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        await client.WaitForSnapshotAsync(events.Count).ConfigureAwait(false);
        return (app, client);
    }

    /// <summary>Settings of a local host on this fixture's Azurite with its own name prefix and task hub.</summary>
    private Dictionary<string, string?> HostSettings(string prefix) => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Storage:ConnectionString"] = Azurite.ConnectionString,
        ["Storage:Prefix"] = prefix,
        [$"Ingestion:Secrets:{Source}"] = Secret,
        ["Logging:LogLevel:Default"] = "Warning",
        ["Durable:GrpcPort"] = "0",
        ["Durable:TaskHub"] = "hub" + prefix,
        [Cli.JobScheduler.EnabledSetting] = "false",
    };

    /// <summary>Storage clients for the host's tables and containers.</summary>
    public StorageLayout Layout => app!.Services.GetRequiredService<StorageLayout>();

    /// <summary>Posts a body to the webhook, signed with the test secret unless told otherwise.</summary>
    public Task<HttpResponseMessage> PostAsync(string body, string contentType = IngestionService.SingleMediaType, string? signature = null, string source = Source) =>
        PostAsync(Client, body, contentType, signature, source);

    /// <summary>Posts a signed body to the webhook of the host behind <paramref name="client"/>.</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string contentType = IngestionService.SingleMediaType, string? signature = null, string source = Source)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ingest/{source}") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, signature ?? WebhookSignature.Sign(Secret, DateTimeOffset.UtcNow, bytes));
        return client.SendAsync(request);
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}

/// <summary>
/// Tests that run alone, after every parallel collection, on a stack of their own: stories whose compressed clock (playbook
/// days of seconds) cannot bear two cores shared with a browser.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IsolatedCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "isolated";
}

/// <summary>The system clock moved by a fixed offset: a test host that lives on a pinned date, with real time passing.</summary>
public sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
