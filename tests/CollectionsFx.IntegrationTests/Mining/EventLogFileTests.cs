using System.Globalization;
using System.Text;
using CollectionsFx.Api.Mining;
using CollectionsFx.Domain.Mining;
using CollectionsFx.Domain.Mining.Interchange;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Mining;

/// <summary>CSV import with a column mapping and the Parquet export, against the real shared logs.</summary>
public sealed class EventLogFileTests
{
    private static MiningLog Receipt() => Xes.ReadFile(RepoPaths.Combine("tests", "data", "eventlogs", "08_receipt.xes.gz")).Build();

    private static List<MiningEvent> AllEvents(MiningLog log) => Enumerable.Range(0, log.CaseCount).SelectMany(log.EventsOf).ToList();

    private static Stream Csv(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_csv_export_of_a_real_log_imports_with_a_mapping_to_the_same_log_and_figures()
    {
        var original = Receipt();
        var csv = new StringBuilder("Case ID;Activity;Complete Timestamp;Resource\n");
        foreach (var e in AllEvents(original))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{e.CaseId};\"{e.Activity}\";{e.Timestamp.UtcDateTime:dd.MM.yyyy HH:mm:ss.fff};{e.Resource}\n");
        }

        var mapping = EventLogMapping.Parse("""{"case":"Case ID","activity":"Activity","timestamp":"Complete Timestamp","resource":"Resource","timestampFormat":"dd.MM.yyyy HH:mm:ss.fff","separator":";"}""");
        var builder = CsvEventLog.Read(Csv(csv.ToString()), mapping);
        var back = builder.Build();

        Assert.Empty(builder.Skipped);
        Assert.Equal(AllEvents(original), AllEvents(back));
        Assert.Equal((1_434, 8_577, 116), (back.CaseCount, back.EventCount, VariantIndex.Build(back).Count));
    }

    [Fact]
    public void Rows_without_case_activity_or_a_readable_timestamp_are_skipped_and_reported_with_their_line()
    {
        const string csv = "case,activity,time,region\nI1,Create Invoice,2026-01-01T10:00:00Z,North\n,Clear Invoice,2026-01-02T10:00:00Z,North\nI1,,2026-01-02T10:00:00Z,North\nI1,Clear Invoice,,North\nI1,Clear Invoice,tomorrow,North\nI2,Create Invoice,2026-01-03T10:00:00+01:00,\n";
        var mapping = EventLogMapping.Parse("""{"case":"case","activity":"activity","timestamp":"time","caseAttributes":["region"]}""");

        var builder = CsvEventLog.Read(Csv(csv), mapping);
        var log = builder.Build();

        Assert.Equal(2, log.EventCount);
        Assert.Equal(new string?[] { "North", null }, log.CaseAttributes["region"].AsEnumerable());
        Assert.Equal(new DateTimeOffset(2026, 1, 3, 9, 0, 0, TimeSpan.Zero), log.EventsOf(1).Single().Timestamp);
        Assert.Equal(
            ["line 3: row has no case id: skipped", "line 4: row has no activity: skipped", "line 5: row has no timestamp: skipped",
             "line 6: row has a timestamp 'tomorrow' that is not ISO 8601: skipped"],
            builder.Skipped.Select(s => $"{s.Where}: {s.Reason}"));
    }

    [Fact]
    public void A_large_file_read_in_parallel_parts_equals_reading_it_in_one_go()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cfx-parts-{Guid.NewGuid():N}.csv");
        try
        {
            var csv = new StringBuilder("case,activity,time\n");
            for (var i = 0; i < 400_000; i++)
            {
                // A bad row now and then, in every part: its line number must be the file's.
                csv.Append(i % 50_000 == 7
                    ? string.Create(CultureInfo.InvariantCulture, $"C{i / 3},Broken,not-a-date\n")
                    : string.Create(CultureInfo.InvariantCulture, $"C{i / 3},A{i % 4},2026-01-01T{i % 24:00}:00:00Z\n"));
            }

            File.WriteAllText(path, csv.ToString());
            var mapping = EventLogMapping.Parse("""{"case":"case","activity":"activity","timestamp":"time"}""");

            var parallel = CsvEventLog.ReadFile(path, mapping, parallelism: 2);
            using var file = File.OpenRead(path);
            var serial = CsvEventLog.Read(file, mapping);

            Assert.Equal(serial.Skipped, parallel.Skipped);
            Assert.Equal(8, parallel.Skipped.Count);
            Assert.Equal("line 150009", parallel.Skipped[3].Where);
            var (p, s) = (parallel.Build(), serial.Build());
            Assert.Equal(p.CaseIds, s.CaseIds);
            Assert.Equal(AllEvents(s), AllEvents(p));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("\uFEFFcase,activity,time,who\r\nI1, Créer facture ,2026-01-01T10:00:00Z,anna\r\n\r\nI1,Clear Invoice,2026-01-05 10:00,\r\nI2,,2026-01-02T00:00:00Z,bob\r\nI2,Create Invoice,Jan 3 2026 10:00,bob\r\nI3,Create Invoice\r\nI4,Create Invoice,2026-02-30,x\r\n,A,2026-01-01,x")]
    [InlineData("case;activity;time;who\nI1;A;2026-01-01T10:00:00+02:00;anna\nI1;B;2026-01-01T09:00:00Z;anna\nI2;A;2026-01-02;\n")]
    public void Reading_a_file_gives_what_reading_its_stream_gives(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cfx-fast-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, content, new UTF8Encoding(false));
            var mapping = EventLogMapping.Parse("""{"case":"case","activity":"activity","timestamp":"time","resource":"who"}""");

            var fast = CsvEventLog.ReadFile(path, mapping, parallelism: 2);
            using var file = File.OpenRead(path);
            var general = CsvEventLog.Read(file, mapping);

            Assert.Equal(general.Skipped, fast.Skipped);
            var (f, g) = (fast.Build(), general.Build());
            Assert.Equal(g.CaseIds, f.CaseIds);
            Assert.Equal(AllEvents(g), AllEvents(f));
            Assert.NotEmpty(AllEvents(f));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"case":"CaseId","activity":"activity","timestamp":"time"}""", "no column 'CaseId' (mapped as case)")]
    [InlineData("""{"case":"case","activity":"activity","timestamp":"time","resource":"who"}""", "no column 'who' (mapped as resource)")]
    public void A_mapped_column_the_file_lacks_is_an_error_naming_it(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => CsvEventLog.Read(Csv("case,activity,time\nI1,A,2026-01-01\n"), EventLogMapping.Parse(json)));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"activity":"a","timestamp":"t"}""")]
    [InlineData("""{"case":"c","activity":"a","timestamp":"t","colour":"blue"}""")]
    [InlineData("""{"case":""")]
    public void A_bad_mapping_file_is_an_error(string json) =>
        Assert.Throws<FormatException>(() => EventLogMapping.Parse(json));

    [Fact]
    public async Task Parquet_export_reads_back_to_the_same_log_with_its_case_attributes()
    {
        var original = Receipt();
        using var file = new MemoryStream();

        await ParquetEventLog.WriteAsync(original, file);
        file.Position = 0;
        var back = (await ParquetEventLog.ReadAsync(file)).Build();

        Assert.Equal(AllEvents(original), AllEvents(back));
        Assert.True(file.Length < 400_000, $"{file.Length} bytes");
    }
}
