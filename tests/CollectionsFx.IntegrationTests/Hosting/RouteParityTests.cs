using System.Text.Json;
using CollectionsFx.IntegrationTests.Fixtures;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Hosting;

/// <summary>The Functions app and the local host expose the same HTTP routes, methods and names.</summary>
[Collection(StackCollection.Name)]
public sealed class RouteParityTests(StackFixture stack)
{
    private static string MetadataPath()
    {
        var bin = RepoPaths.Combine("functions", "CollectionsFx.Functions", "bin");
        var found = Directory.Exists(bin) ? Directory.GetFiles(bin, "functions.metadata", SearchOption.AllDirectories) : [];
        return found.OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            ?? throw new InvalidOperationException("Build functions/CollectionsFx.Functions first: no functions.metadata under " + bin);
    }

    [Fact]
    public void Functions_app_and_local_host_expose_the_same_http_routes()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath()));
        var functions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var function in metadata.RootElement.EnumerateArray())
        {
            foreach (var binding in function.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "httpTrigger"))
            {
                foreach (var method in binding.GetProperty("methods").EnumerateArray())
                {
                    functions.Add($"{function.GetProperty("name").GetString()} {method.GetString()!.ToUpperInvariant()} api/{binding.GetProperty("route").GetString()}");
                }
            }
        }

        var local = new SortedSet<string>(StringComparer.Ordinal);
        // The Durable sidecar's gRPC methods are endpoints too, but not routes of the API.
        foreach (var endpoint in stack.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal)))
        {
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                local.Add($"{name} {method} {endpoint.RoutePattern.RawText!.TrimStart('/')}");
            }
        }

        Assert.NotEmpty(functions);
        Assert.Equal(functions, local);
    }

    [Fact]
    public void Functions_app_and_local_host_run_the_same_timers_on_the_same_schedules()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath()));
        var functions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var function in metadata.RootElement.EnumerateArray())
        {
            foreach (var binding in function.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "timerTrigger"))
            {
                functions[function.GetProperty("name").GetString()!] = binding.GetProperty("schedule").GetString()!;
            }
        }

        Assert.NotEmpty(functions);
        Assert.Equal(functions, new SortedDictionary<string, string>(CollectionsFx.Api.Jobs.Schedules.All.ToDictionary(), StringComparer.Ordinal));
        Assert.Equal(functions.Keys, CollectionsFx.Cli.JobScheduler.Jobs.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Functions_blob_trigger_and_local_import_watcher_watch_the_same_container()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath()));
        var paths = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "blobTrigger")
            .Select(b => b.GetProperty("path").GetString())
            .ToList();

        var watched = stack.Services.GetRequiredService<CollectionsFx.Storage.StorageLayout>().Imports.Name;
        Assert.Equal([$"{watched}/{{name}}"], paths);
        Assert.NotNull(stack.Services.GetRequiredService<CollectionsFx.Cli.ImportWatcher>());
    }

    [Fact]
    public void Host_json_uses_the_same_route_prefix_and_task_hub_as_the_local_host()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("host.json")));
        var extensions = host.RootElement.GetProperty("extensions");

        Assert.Equal(CollectionsFx.Api.Routes.Prefix, extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal(new CollectionsFx.Cli.LocalDurableOptions().TaskHub, extensions.GetProperty("durableTask").GetProperty("hubName").GetString());
    }
}

