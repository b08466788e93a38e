using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using System.Net;
using CollectionsFx.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using CollectionsFx.Workflows;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CollectionsFx.Cli;

/// <summary>
/// The local host: the Functions app's HTTP routes and handlers on Kestrel, its timers (Cronos), the imports
/// watcher (for the blob trigger) and a Durable Task worker, all over Azurite.
/// Tests build it with their own configuration (free ports, their Azurite, a unique storage prefix).
/// </summary>
public static class LocalHost
{
    /// <summary>Default address, the same as <c>func start</c>.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>
    /// Builds the host; <paramref name="settings"/> override configuration (tests, `cfx up`), and
    /// <paramref name="tasks"/> registers orchestrators and activities (the workflows, or a test's own), and
    /// <paramref name="services"/> has the last word on registrations (tests: a clock pinned to a date).
    /// </summary>
    public static WebApplication Build(
        string[] args, IReadOnlyDictionary<string, string?>? settings = null, Action<DurableTaskRegistry>? tasks = null, Action<IServiceCollection>? services = null)
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

        var durable = builder.Configuration.GetSection("Durable").Get<LocalDurableOptions>() ?? new LocalDurableOptions();
        if (durable.GrpcPort == 0)
        {
            durable.GrpcPort = Tools.FreePort();
        }

        // Explicit endpoints: the API on `urls` (HTTP/1.1), the Durable sidecar on its own loopback port (HTTP/2).
        var api = new Uri(builder.Configuration["urls"]!.Split(';')[0]);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Parse(api.Host == "localhost" ? "127.0.0.1" : api.Host), api.Port, o => o.Protocols = HttpProtocols.Http1);
            k.Listen(IPAddress.Loopback, durable.GrpcPort, o => o.Protocols = HttpProtocols.Http2);
        });

        // Kestrel stops first and would wait the default 30 s for the worker's own open gRPC stream to the sidecar.
        // The web app's files: from the build output's manifest under `dotnet run`, from wwwroot once published.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddCollectionsFx();
        AddTelemetry(builder);
        builder.Services.AddHostedService<JobScheduler>();
        builder.Services.AddHostedService<RescoreWorker>();
        builder.Services.AddSingleton<ImportWatcher>();
        services?.Invoke(builder.Services);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ImportWatcher>());
        builder.AddLocalDurableTask(builder.Configuration["Storage:ConnectionString"]!, durable, registry =>
        {
            registry.AddCollectionsWorkflows();
            tasks?.Invoke(registry);
        });
        builder.Services.AddSingleton(durable);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapCollectionsFx();
        app.MapWebApp();
        app.MapLocalDurableTask(durable);
        return app;
    }

    /// <summary>The address the HTTP API listens on, once the host is started (not the Durable sidecar's).</summary>
    public static Uri ApiAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var grpcPort = app.Services.GetRequiredService<LocalDurableOptions>().GrpcPort;
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return addresses.Select(a => new Uri(a)).First(u => u.Port != grpcPort);
    }

    /// <summary>
    /// OpenTelemetry for the local host: CollectionsFx's spans and metrics with ASP.NET Core's and HttpClient's, exported over
    /// OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (a local collector, Jaeger, Aspire's dashboard) and to the console
    /// with <c>Telemetry:Console=true</c>; without either they are made for the correlation ids but sent nowhere.
    /// </summary>
    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        var console = builder.Configuration.GetValue("Telemetry:Console", false);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("collectionsfx-local"))
            .WithTracing(t =>
            {
                t.AddSource(CollectionsFx.Api.Diagnostics.Telemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (console)
                {
                    t.AddConsoleExporter();
                }
            })
            .WithMetrics(m =>
            {
                m.AddMeter(CollectionsFx.Api.Diagnostics.Telemetry.Name).AddAspNetCoreInstrumentation();
                if (console)
                {
                    m.AddConsoleExporter();
                }
            });
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
    }
}
