using CollectionsFx.Api;
using CollectionsFx.Api.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CollectionsFx.Cli;

/// <summary>
/// The web app (src/CollectionsFx.Web) on the local host, as Static Web Apps serves it in Azure: its files (fingerprinted and
/// pre-compressed, by <c>MapStaticAssets</c>), and <c>index.html</c> for any other path so a deep link such as
/// <c>/customers/CUST-0001</c> reloads. An unknown <c>/api/...</c> path stays a 404 problem, never the page.
/// A host built inside another program (the in-process test hosts) has no manifest of cfx's assets and serves the API only.
/// </summary>
public static class WebApp
{
    public static IEndpointRouteBuilder MapWebApp(this IEndpointRouteBuilder app)
    {
        app.MapFallback($"/{Routes.Prefix}/{{**rest}}", (string? rest) =>
            Problems.Field(StatusCodes.Status404NotFound, "No such route", "path", $"no API route '/{Routes.Prefix}/{rest}'"));
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{typeof(WebApp).Assembly.GetName().Name}.staticwebassets.endpoints.json");
        if (File.Exists(manifest))
        {
            app.MapStaticAssets(manifest);
            app.MapFallbackToFile("index.html");
        }

        return app;
    }
}
