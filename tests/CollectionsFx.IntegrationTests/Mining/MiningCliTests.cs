using System.Diagnostics;
using System.Text.Json;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Mining;

/// <summary>`cfx mining` as a user runs it: a separate process printing JSON.</summary>
public sealed class MiningCliTests
{
    internal static Task<(int Exit, string Out, string Err)> CfxAsync(params string[] args) => CfxAsync(null, args);

    /// <summary>Runs <c>cfx</c> with <paramref name="environment"/> added to its environment (settings as <c>Section__Key</c>).</summary>
    internal static async Task<(int Exit, string Out, string Err)> CfxAsync(IDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cfx.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Stats_of_a_reference_log_print_its_reference_figures_as_json()
    {
        var (exit, output, error) = await CfxAsync("mining", "stats", "--xes", Path.Combine("tests", "data", "eventlogs", "08_receipt.xes.gz"));

        Assert.True(exit == 0, error);
        var stats = JsonDocument.Parse(output).RootElement;
        Assert.Equal((1_434, 8_577, 27, 116, 99), (stats.GetProperty("cases").GetInt32(), stats.GetProperty("events").GetInt32(),
            stats.GetProperty("activities").GetInt32(), stats.GetProperty("variants").GetInt32(), stats.GetProperty("dfgEdges").GetInt32()));
    }

    [Fact]
    public async Task A_csv_log_with_a_mapping_gives_variants_and_reports_skipped_rows_on_stderr()
    {
        var dir = Directory.CreateTempSubdirectory("cfx-cli-");
        try
        {
            var csv = Path.Combine(dir.FullName, "log.csv");
            var map = Path.Combine(dir.FullName, "map.json");
            await File.WriteAllTextAsync(csv, "c;a;t\n1;Create Invoice;2026-01-01T10:00:00Z\n1;Clear Invoice;2026-01-05T10:00:00Z\n2;Create Invoice;2026-01-02\n2;Clear Invoice;soon\n");
            await File.WriteAllTextAsync(map, """{"case":"c","activity":"a","timestamp":"t","separator":";"}""");

            var (exit, output, error) = await CfxAsync("mining", "variants", "--csv", csv, "--map", map);

            Assert.True(exit == 0, error);
            var variants = JsonDocument.Parse(output).RootElement;
            Assert.Equal(2, variants.GetProperty("cases").GetInt32());
            Assert.Equal(1, variants.GetProperty("skipped").GetInt32());
            Assert.Contains("line 5", error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_malformed_file_is_an_error_naming_the_line()
    {
        var dir = Directory.CreateTempSubdirectory("cfx-cli-");
        try
        {
            var xes = Path.Combine(dir.FullName, "bad.xes");
            await File.WriteAllTextAsync(xes, "<log>\n<trace>\n<event>\n</trace>\n</log>\n");

            var (exit, output, error) = await CfxAsync("mining", "variants", "--xes", xes);

            Assert.Equal(1, exit);
            Assert.Empty(output);
            Assert.Contains("XES line 4", error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
