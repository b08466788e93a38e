using OpenTelemetry;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using CollectionsFx.Api;
using CollectionsFx.Functions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ExceptionProblemMiddleware>();
builder.UseMiddleware<RouteAccessMiddleware>();

// OpenTelemetry (host.json telemetryMode): the worker's and CollectionsFx's spans, metrics and logs to Azure Monitor when
// APPLICATIONINSIGHTS_CONNECTION_STRING is set (infra/ sets it); the webhook's trace id is the correlation id (Telemetry).
var otel = builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults()
    .WithTracing(t => t.AddSource(CollectionsFx.Api.Diagnostics.Telemetry.Name))
    .WithMetrics(m => m.AddMeter(CollectionsFx.Api.Diagnostics.Telemetry.Name));
if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    // Local authentication is off on the Application Insights resource: the exporter signs in with the app's identity
    // (APPLICATIONINSIGHTS_AUTHENTICATION_STRING = "Authorization=AAD;ClientId=…", set by infra/).
    var auth = builder.Configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] ?? "";
    var clientId = auth.Split(';').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == "ClientId")?[1];
    otel.UseAzureMonitorExporter(o =>
    {
        if (auth.Contains("Authorization=AAD", StringComparison.Ordinal))
        {
            o.Credential = new Azure.Identity.ManagedIdentityCredential(clientId is null ? Azure.Identity.ManagedIdentityId.SystemAssigned : Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(clientId));
        }
    });
}

builder.Services.AddCollectionsFx();
builder.Build().Run();
