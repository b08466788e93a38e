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

// Worker telemetry to Application Insights (connection string and Entra ID auth from app settings, see infra/).
builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
builder.Services.AddCollectionsFx();
builder.Build().Run();
