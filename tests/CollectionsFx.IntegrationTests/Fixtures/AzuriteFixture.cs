using CollectionsFx.Cli;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>
/// Azurite on free loopback ports, in memory, started once per test collection and stopped afterwards.
/// Installs the pinned npm tools first if a fresh clone has none.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? azurite;

    public string ConnectionString => azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite is not started.");

    public async Task InitializeAsync()
    {
        await NpmTools.EnsureInstalledAsync(RepoPaths.Root, AzuriteProcess.Script(RepoPaths.Root));
        azurite = await AzuriteProcess.StartAsync(RepoPaths.Root, location: null);
    }

    public async Task DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }

    /// <summary>A fresh name prefix so tests share Azurite without seeing each other's data.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12];
}
