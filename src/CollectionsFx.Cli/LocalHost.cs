using CollectionsFx.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.Cli;

/// <summary>
/// The local host: the Functions app's HTTP routes and handlers on Kestrel, over Azurite.
/// Tests build it with their own configuration (free port, their Azurite, a unique storage prefix).
/// </summary>
public static class LocalHost
{
    /// <summary>Default address, the same as <c>func start</c>.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>Builds the host; <paramref name="settings"/> override configuration (tests, `cfx up`).</summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["urls"] = DefaultUrl,
        }.Where(kv => builder.Configuration[kv.Key] is null));
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddIngestion();
        builder.Services.AddHostedService<JobScheduler>();
        builder.Services.AddSingleton<ImportWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ImportWatcher>());
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapCollectionsFx();
        return app;
    }
}
