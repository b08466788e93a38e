using CollectionsFx.Cli;
using Microsoft.AspNetCore.Builder;

namespace CollectionsFx.Benchmarks;

/// <summary>The local host as benchmarks run it: on a free loopback port over the given Azurite, its own name prefix, quiet logs.</summary>
internal static class BenchHost
{
    /// <summary>Builds and starts a host; <paramref name="prefix"/> is its table and container prefix (returned for tables it makes itself).</summary>
    public static async Task<(WebApplication App, string Prefix)> StartAsync(AzuriteProcess azurite, char prefix, IDictionary<string, string?>? settings = null)
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..10];
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:Prefix"] = name,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Durable:GrpcPort"] = "0",
            [JobScheduler.EnabledSetting] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = LocalHost.Build([], all);
        await app.StartAsync().ConfigureAwait(false);
        return (app, name);
    }
}
