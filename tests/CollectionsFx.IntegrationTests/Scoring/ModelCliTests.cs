using System.Globalization;
using System.Text;
using System.Text.Json;
using CollectionsFx.IntegrationTests.Mining;

namespace CollectionsFx.IntegrationTests.Scoring;

/// <summary>`cfx model evaluate` on a mapped invoice extract, as a user runs it.</summary>
public sealed class ModelCliTests : IDisposable
{
    private const string Mapping = """
        {"currency":"EUR","columns":{"invoiceId":{"column":"Document"},"customerId":{"column":"Customer"},"issueDate":{"column":"Posting Date"},
         "dueDate":{"column":"Net Due"},"amount":{"column":"Amount"},"clearedDate":{"column":"Cleared On","format":"dd.MM.yyyy"},"country":{"column":"Country"}}}
        """;

    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cfx-model-");

    public void Dispose() => dir.Delete(recursive: true);

    /// <summary>An extract where each customer has its own habit (some pay late) and big invoices are paid later.</summary>
    private (string Data, string Map) Extract(int rows, Func<int, double>? lateness = null, string mapping = Mapping)
    {
        var rng = new Random(3);
        var habits = Enumerable.Range(0, 60).Select(_ => rng.NextDouble()).ToArray();
        var csv = new StringBuilder("Document,Customer,Posting Date,Net Due,Amount,Cleared On,Country\n");
        var start = new DateOnly(2024, 1, 1);
        for (var n = 0; n < rows; n++)
        {
            var c = rng.Next(habits.Length);
            var issue = start.AddDays(rng.Next(0, 600));
            var amount = Math.Round(100 + (rng.NextDouble() * 20_000), 2);
            var late = lateness?.Invoke(n) ?? ((habits[c] * 30) + (amount / 20_000 * 10) - 5 + (rng.NextDouble() * 12) - 6);
            var cleared = issue.AddDays(30 + (int)late);
            csv.Append(CultureInfo.InvariantCulture, $"INV{n:D6},C{c:D3},{issue:yyyy-MM-dd},{issue.AddDays(30):yyyy-MM-dd},{amount},{cleared:dd.MM.yyyy},DE\n");
        }

        var data = Path.Combine(dir.FullName, $"ar-{Guid.NewGuid():N}.csv");
        var map = Path.Combine(dir.FullName, "map.json");
        File.WriteAllText(data, csv.ToString());
        File.WriteAllText(map, mapping);
        return (data, map);
    }

    [Fact]
    public async Task Evaluate_prints_model_and_baseline_metrics_on_a_time_split()
    {
        var (data, map) = Extract(3_000);

        var (exit, output, error) = await MiningCliTests.CfxAsync("model", "evaluate", "--data", data, "--mapping", map, "--split-date", "2025-03-01");

        Assert.True(exit == 0, error);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.True(report.GetProperty("trainRows").GetInt32() > report.GetProperty("testRows").GetInt32());
        foreach (var model in new[] { "model", "baselinePriorLateShare", "baselineLogisticRegression" })
        {
            var m = report.GetProperty(model);
            Assert.InRange(m.GetProperty("rocAuc").GetDouble(), 0.7, 1.0);
            Assert.InRange(m.GetProperty("brier").GetDouble(), 0.0, 0.25);
            Assert.Equal(10, m.GetProperty("calibration").GetArrayLength());
        }

        Assert.Contains("baseline: prior late share", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_one_class_is_an_error_that_says_so()
    {
        var (data, map) = Extract(400, lateness: _ => -10);

        var (exit, _, error) = await MiningCliTests.CfxAsync("model", "evaluate", "--data", data, "--mapping", map, "--split-date", "2025-03-01");

        Assert.Equal(1, exit);
        Assert.Contains("only one class", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_few_rows_is_an_error_that_says_so()
    {
        var (data, map) = Extract(60);

        var (exit, _, error) = await MiningCliTests.CfxAsync("model", "evaluate", "--data", data, "--mapping", map, "--split-date", "2025-03-01");

        Assert.Equal(1, exit);
        Assert.Contains("Too few", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mapped_column_missing_from_the_extract_is_named()
    {
        var (data, map) = Extract(100, mapping: Mapping.Replace("Net Due", "Due On", StringComparison.Ordinal));

        var (exit, _, error) = await MiningCliTests.CfxAsync("model", "evaluate", "--data", data, "--mapping", map, "--split-date", "2025-03-01");

        Assert.Equal(1, exit);
        Assert.Contains("'Due On' (for dueDate)", error, StringComparison.Ordinal);
    }
}
