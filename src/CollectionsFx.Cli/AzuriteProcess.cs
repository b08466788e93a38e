using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CollectionsFx.Cli;

/// <summary>
/// Azurite (the npm package pinned in package-lock.json) as a child process on 127.0.0.1, with the flags
/// that keep it from hanging on exit or rejecting current SDK API versions. Used by `cfx up` (default ports,
/// data kept in .cfx/azurite), the tests and the benchmarks (free ports, a temporary folder).
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The well-known Azurite account key (public, local only).</summary>
    public const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process process;

    private AzuriteProcess(Process process, int blob, int queue, int table)
    {
        this.process = process;
        ConnectionString = string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevKey};BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;");
    }

    /// <summary>Connection string of this instance.</summary>
    public string ConnectionString { get; }

    /// <summary>The script Azurite runs from, under the repository's node_modules.</summary>
    public static string Script(string repoRoot) => Path.Combine(repoRoot, "node_modules", "azurite", "dist", "src", "azurite.js");

    /// <summary>Starts Azurite keeping its data in <paramref name="location"/> (null: in memory), on the given ports or free ones.</summary>
    public static async Task<AzuriteProcess> StartAsync(string repoRoot, string? location, (int Blob, int Queue, int Table)? ports = null)
    {
        if (ports is not null)
        {
            return await StartOnAsync(repoRoot, location, ports.Value).ConfigureAwait(false);
        }

        // Ports picked here may be taken by someone else before Azurite binds them: then once more on new ones.
        for (var attempt = 1; ; attempt++)
        {
            var free = Tools.FreePorts(3);
            try
            {
                return await StartOnAsync(repoRoot, location, (free[0], free[1], free[2])).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<AzuriteProcess> StartOnAsync(string repoRoot, string? location, (int Blob, int Queue, int Table) ports)
    {
        var (blob, queue, table) = ports;
        var start = new ProcessStartInfo("node") { WorkingDirectory = repoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args =
        [
            Script(repoRoot), "--silent", "--disableTelemetry", "--skipApiVersionCheck",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", Port(blob), "--queuePort", Port(queue), "--tablePort", Port(table),
            .. location is null ? ["--inMemoryPersistence"] : new[] { "--location", location },
        ];
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start: is Node.js installed?");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, blob, queue, table);
        try
        {
            foreach (var port in new[] { blob, queue, table })
            {
                await WaitForPortAsync(port, TimeSpan.FromSeconds(30), process).ConfigureAwait(false);
            }
        }
        catch
        {
            await azurite.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return azurite;
    }

    /// <summary>True when something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Waits until <paramref name="port"/> accepts connections, or fails when <paramref name="owner"/> exits or time runs out.</summary>
    public static async Task WaitForPortAsync(int port, TimeSpan timeout, Process? owner = null)
    {
        var watch = Stopwatch.StartNew();
        while (!IsListening(port))
        {
            if (owner is { HasExited: true })
            {
                throw new InvalidOperationException($"The process meant to listen on {port} exited with code {owner.ExitCode}.");
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Nothing listens on 127.0.0.1:{port} after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops Azurite as Ctrl+C would (SIGTERM): it closes its servers and writes its data to <c>--location</c>, which a kill
    /// would leave to its next autosave; killed after <paramref name="grace"/> (default 10 s) if it has not exited by then.
    /// </summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (process.HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            using var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) } });
            if (term is not null)
            {
                await term.WaitForExitAsync().ConfigureAwait(false);
            }

            using var wait = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException)
            {
            }
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        process.Dispose();
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

}
