using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>The repository's pinned npm tools (Azurite, MailDev), installed and started as child processes.</summary>
internal static class Tools
{
    /// <summary>The repository root (the folder holding CollectionsFx.sln), searched from the working folder, then from the binary.</summary>
    public static string RepoRoot() =>
        FindUp(Environment.CurrentDirectory) ?? FindUp(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("Run cfx from inside the CollectionsFx repository (CollectionsFx.sln not found).");

    public static async Task EnsureNpmToolsAsync(string root)
    {
        if (File.Exists(Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js")) && File.Exists(Path.Combine(root, "node_modules", "maildev", "bin", "maildev")))
        {
            return;
        }

        AnsiConsole.MarkupLine("[grey]Installing the pinned npm tools (npm ci)...[/]");
        using var npm = Process.Start(new ProcessStartInfo("npm") { WorkingDirectory = root, ArgumentList = { "ci", "--no-audit", "--no-fund" } })
            ?? throw new InvalidOperationException("npm did not start: is Node.js installed?");
        await npm.WaitForExitAsync().ConfigureAwait(false);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed with exit code {npm.ExitCode}.");
        }
    }

    /// <summary>Starts a node script unless its port is already taken (then the running service is used).</summary>
    public static Process? StartNode(string root, string name, int port, params string[] args)
    {
        if (IsListening(port))
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Port {port} is in use: using the {name} already running there.[/]");
            return null;
        }

        var start = new ProcessStartInfo("node") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) { AnsiConsole.MarkupLineInterpolated($"[grey]{name}: {e.Data}[/]"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!IsListening(port))
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Nothing listens on 127.0.0.1:{port} after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    public static void Stop(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process?.Dispose();
    }

    private static bool IsListening(int port)
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

    private static string? FindUp(string from)
    {
        for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CollectionsFx.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
