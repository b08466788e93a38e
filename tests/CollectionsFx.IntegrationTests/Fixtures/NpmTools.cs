using System.Diagnostics;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>Installs the pinned npm tools (package-lock.json) when a fresh clone has none, so `dotnet test` works alone.</summary>
internal static class NpmTools
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task EnsureInstalledAsync(string probe)
    {
        if (File.Exists(probe))
        {
            return;
        }

        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Another test process may be installing: npm ci in one folder at a time, via an exclusive lock file.
            using var lockFile = await AcquireAsync(RepoPaths.Combine(".npm-install.lock")).ConfigureAwait(false);
            if (File.Exists(probe))
            {
                return;
            }

            var start = new ProcessStartInfo("npm") { WorkingDirectory = RepoPaths.Root, ArgumentList = { "ci", "--no-audit", "--no-fund" } };
            using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start");
            await npm.WaitForExitAsync().ConfigureAwait(false);
            if (npm.ExitCode != 0 || !File.Exists(probe))
            {
                throw new InvalidOperationException($"`npm ci` in {RepoPaths.Root} failed ({npm.ExitCode}); {probe} is missing.");
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<FileStream> AcquireAsync(string path)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (i < 1200)
            {
                await Task.Delay(250).ConfigureAwait(false);
            }
        }
    }
}
