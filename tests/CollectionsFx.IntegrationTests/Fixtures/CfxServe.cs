using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>A real <c>cfx serve</c> process over the fixture's Azurite, for tests that kill it (SIGKILL) and start another.</summary>
internal static class CfxServe
{
    private static readonly ConcurrentDictionary<int, ConcurrentQueue<string>> Logs = new();

    private static string CfxDll()
    {
        var bin = RepoPaths.Combine("src", "CollectionsFx.Cli", "bin");
        return Directory.GetFiles(bin, "cfx.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).First();
    }

    /// <summary>Starts <c>cfx serve</c> on the ports with the prefix (its own tables and task hub) and any further settings.</summary>
    public static Process Start(StackFixture stack, int apiPort, int grpcPort, string prefix, IDictionary<string, string>? settings = null) =>
        Start(stack.Azurite.ConnectionString, apiPort, grpcPort, prefix, settings);

    /// <summary>Starts <c>cfx serve</c> over the storage of <paramref name="connectionString"/>.</summary>
    public static Process Start(string connectionString, int apiPort, int grpcPort, string prefix, IDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CfxDll());
        start.ArgumentList.Add("serve");
        start.Environment["Storage__ConnectionString"] = connectionString;
        start.Environment["Storage__Prefix"] = prefix;
        start.Environment["urls"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{apiPort}");
        start.Environment["Durable__GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Durable__TaskHub"] = "hub" + prefix;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment[Cli.JobScheduler.EnabledSetting.Replace(":", "__", StringComparison.Ordinal)] = "false";
        // The workflows' decisions (one line per notice) explain a failure of a story that runs across processes.
        start.Environment["Logging__LogLevel__CollectionsFx.Workflows"] = "Information";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var log = Logs.GetOrAdd(process.Id, _ => new ConcurrentQueue<string>());
        process.OutputDataReceived += (_, e) => Keep(log, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>What the process wrote (its last 2,000 lines), prefixed with its id, for a failure message.</summary>
    public static string Output(params Process?[] processes) => string.Join(
        Environment.NewLine,
        processes.OfType<Process>().SelectMany(p => Logs.TryGetValue(p.Id, out var lines) ? lines.Select(l => $"[{p.Id}] {l}") : []));

    private static void Keep(ConcurrentQueue<string> log, string? line)
    {
        if (line is null)
        {
            return;
        }

        log.Enqueue(line);
        while (log.Count > 2000 && log.TryDequeue(out _))
        {
        }
    }

    /// <summary>Waits until the process answers its health route (60 s at most).</summary>
    public static async Task WaitHealthyAsync(HttpClient http, Process process)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, "cfx serve exited early");
            try
            {
                if ((await http.GetAsync(new Uri("/api/health", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (watch.Elapsed < TimeSpan.FromSeconds(60))
            {
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "cfx serve did not become healthy");
            await Task.Delay(200);
        }
    }

    /// <summary>Kills what is still running of <paramref name="processes"/> and disposes them.</summary>
    public static void KillAll(params Process?[] processes)
    {
        foreach (var p in processes)
        {
            if (p is { HasExited: false })
            {
                p.Kill(entireProcessTree: true);
            }

            p?.Dispose();
        }
    }
}
