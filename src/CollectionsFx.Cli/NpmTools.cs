using System.Diagnostics;

namespace CollectionsFx.Cli;

/// <summary>Installs the pinned npm tools (package-lock.json) when a fresh clone has none, so `cfx up` and `dotnet test` work alone.</summary>
public static class NpmTools
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Runs `npm ci` in <paramref name="root"/> unless every file of <paramref name="probes"/> exists; one install at a time across processes.</summary>
    public static async Task EnsureInstalledAsync(string root, params string[] probes)
    {
        bool Installed() => probes.All(File.Exists);

        if (Installed())
        {
            return;
        }

        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Another test process may be installing: npm ci in one folder at a time, via an exclusive lock file.
            using var lockFile = await AcquireAsync(Path.Combine(root, ".npm-install.lock")).ConfigureAwait(false);
            if (Installed())
            {
                return;
            }

            Console.Error.WriteLine("Installing the pinned npm tools (npm ci)...");
            var start = new ProcessStartInfo("npm") { WorkingDirectory = root, ArgumentList = { "ci", "--no-audit", "--no-fund" } };
            using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start: is Node.js installed?");
            await npm.WaitForExitAsync().ConfigureAwait(false);
            if (npm.ExitCode != 0 || !Installed())
            {
                throw new InvalidOperationException($"`npm ci` in {root} failed with exit code {npm.ExitCode}.");
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
