using System.Diagnostics;
using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>The repository's pinned npm tools (Azurite, MailDev), installed and started as child processes.</summary>
public static class Tools
{
    /// <summary>The repository root (the folder holding CollectionsFx.sln), searched from the working folder, then from the binary.</summary>
    public static string RepoRoot() =>
        FindUp(Environment.CurrentDirectory) ?? FindUp(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("Run cfx from inside the CollectionsFx repository (CollectionsFx.sln not found).");

    /// <summary>Starts a node script unless its port is already taken (then the running service is used).</summary>
    public static Process? StartNode(string root, string name, int port, params string[] args)
    {
        if (AzuriteProcess.IsListening(port))
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

    /// <summary>A free loopback port.</summary>
    public static int FreePort() => FreePorts(1)[0];

    /// <summary><paramref name="count"/> distinct free loopback ports (all held open until every one is chosen, so none repeats).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((System.Net.IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
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
