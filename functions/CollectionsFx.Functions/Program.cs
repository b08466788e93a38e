using CollectionsFx.Api;
using CollectionsFx.Functions.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ExceptionProblemMiddleware>();
builder.Services.AddCollectionsFx();
builder.Build().Run();
