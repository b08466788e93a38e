using System.Text;
using CollectionsFx.Api.Imports;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Imports;

[Collection(StackCollection.Name)]
public sealed class InvoiceImportTests(StackFixture stack)
{
    private const string Mapping = """
        {
          // an SAP-like extract: German number format, US issue dates, German clearing dates
          "separator": ";",
          "decimalSeparator": ",",
          "thousandsSeparator": ".",
          "dateFormat": "M/d/yyyy",
          "columns": {
            "invoiceId": { "column": "Document" },
            "customerId": { "column": "Customer" },
            "customerName": { "column": "Customer Name" },
            "issueDate": { "column": "Posting Date" },
            "dueDate": { "column": "Net Due" },
            "amount": { "column": "Amount" },
            "currency": { "column": "Curr" },
            "clearedDate": { "column": "Cleared On", "format": "dd.MM.yyyy" },
            "paperless": { "column": "Invoice Type", "true": ["Electronic"], "false": ["Paper"] }
          }
        }
        """;

    private static readonly DateTimeOffset AsOf = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private InvoiceImporter Importer => stack.Services.GetRequiredService<InvoiceImporter>();

    private ILedgerStore Ledger => stack.Services.GetRequiredService<ILedgerStore>();

    private static string Extract(string k) => $"""
        Document;Customer;Customer Name;Posting Date;Net Due;Amount;Curr;Cleared On;Invoice Type;Sales Org;Region
        D1;{k}1;Müller GmbH;10/1/2026;10/31/2026;"1.234,50";EUR;05.11.2026;Electronic;DE01;North
        D2;{k}1;Müller GmbH;10/3/2026;11/2/2026;500,00;EUR;;Paper;DE01;
        D3;{k}2;"Smith; Sons";10/5/2026;11/4/2026;99,99;GBP;;Electronic;UK01;South
        BAD1;{k}2;Smith;13/45/2026;11/4/2026;10,00;GBP;;Paper;UK01;
        BAD2;{k}2;Smith;10/5/2026;11/4/2026;-5,00;GBP;;Paper;UK01;
        BAD3;{k}2;Smith;10/5/2026;9/4/2026;5,00;GBP;;Paper;UK01;
        ;{k}2;Smith;10/5/2026;11/4/2026;5,00;GBP;;Paper;UK01;
        BAD5;{k}2;Smith;10/5/2026;11/4/2026;5,00;EURO;;Paper;UK01;
        BAD6;{k}2;Smith;10/5/2026;11/4/2026;5,00;GBP;;Fax;UK01;
        D4;{k}1;Müller GmbH;10/7/2026;11/6/2026;300,00;EUR;01.11.2026;Paper;DE01;

        """;

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    private static string NewKey() => "K" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Extract_becomes_ledger_and_event_log_with_clearing_from_the_cleared_date()
    {
        var k = NewKey();

        var report = await Importer.ImportAsync(Utf8(Extract(k)), ImportMapping.Parse(Mapping), new ImportSource("ar.csv", AsOf));

        Assert.Equal((10, 4, 6), (report.Rows, report.Imported, report.Rejected));
        var ledger = await Ledger.LoadAsync(k + "1");
        var d1 = ledger.Invoice("D1")!;
        Assert.Equal((1234.50m, InvoiceStatus.Paid, true), (d1.Invoice.Amount, d1.Status, d1.Invoice.Paperless));
        Assert.Equal(new Dictionary<string, string> { ["Sales Org"] = "DE01", ["Region"] = "North" }, d1.Invoice.Attributes);
        Assert.Equal(new Dictionary<string, string> { ["Sales Org"] = "DE01" }, ledger.Invoice("D2")!.Invoice.Attributes);
        Assert.Equal((InvoiceStatus.Open, false), (ledger.Invoice("D2")!.Status, ledger.Invoice("D2")!.Invoice.Paperless));
        Assert.Equal(InvoiceStatus.Paid, ledger.Invoice("D4")!.Status);
        Assert.Equal("Müller GmbH", ((CustomerRecord)ledger.Find(new EntityKey(EntityKind.Customer, k + "1"))!).Name);
        Assert.Equal(99.99m, (await Ledger.LoadAsync(k + "2")).Invoice("D3")!.OpenAmount);

        var log = await Ledger.ReadLogAsync(k + "1").CollectAsync();

        var d1Events = log.Where(e => e.CaseId == "D1").Select(e => (e.Activity, Date: DateOnly.FromDateTime(e.Timestamp.UtcDateTime))).ToList();
        Assert.Equal([(Activities.CreateInvoice, new DateOnly(2026, 10, 1)), (Activities.ClearInvoice, new DateOnly(2026, 11, 5))], d1Events);
    }

    [Fact]
    public async Task Bad_rows_are_reported_by_line_and_field_dead_lettered_and_do_not_stop_the_import()
    {
        var k = NewKey();

        var report = await Importer.ImportAsync(Utf8(Extract(k)), ImportMapping.Parse(Mapping), new ImportSource("bad.csv", AsOf));

        Assert.Equal(
            [
                (5L, "issueDate (column 'Posting Date')"), (6L, "amount (column 'Amount')"), (7L, "dueDate (column 'Net Due')"),
                (8L, "invoiceId (column 'Document')"), (9L, "currency (column 'Curr')"), (10L, "paperless (column 'Invoice Type')"),
            ],
            report.Errors.Select(e => (e.Line, e.Field)));
        Assert.Contains("13/45/2026", report.Errors[0].Message, StringComparison.Ordinal);
        var letter = await stack.Services.GetRequiredService<IDeadLetterStore>().GetAsync(Assert.Single(report.DeadLetterIds));
        Assert.Equal("csv:bad.csv", letter!.Source);
        Assert.Equal(7, letter.Payload.Split('\n').Length);
        Assert.Contains("line 9: currency (column 'Curr')", letter.Errors.Select(e => e.Field));
        Assert.NotNull((await Ledger.LoadAsync(k + "1")).Invoice("D4"));
        var replay = await stack.Client.PostAsync(new Uri($"/api/deadletters/{letter.Id}/replay", UriKind.Relative), new StringContent(""));
        await replay.AssertProblemAsync(409, "id");
    }

    [Fact]
    public async Task Importing_the_same_extract_again_changes_and_doubles_nothing()
    {
        var k = NewKey();
        var mapping = ImportMapping.Parse(Mapping);
        await Importer.ImportAsync(Utf8(Extract(k)), mapping, new ImportSource("again.csv", AsOf));
        var before = LedgerJson.Canonical(await Ledger.LoadAsync(k + "1"));

        var second = await Importer.ImportAsync(Utf8(Extract(k)), mapping, new ImportSource("again.csv", AsOf));

        Assert.Equal((0L, 8L), (second.Applied, second.Unchanged));
        Assert.Equal(before, LedgerJson.Canonical(await Ledger.LoadAsync(k + "1")));
    }

    [Fact]
    public async Task A_later_extract_wins_over_an_earlier_one()
    {
        var k = NewKey();
        var mapping = ImportMapping.Parse(Mapping);
        await Importer.ImportAsync(Utf8(Extract(k)), mapping, new ImportSource("nov.csv", AsOf));
        var december = Extract(k).Replace("D2;" + k + "1;Müller GmbH;10/3/2026;11/2/2026;500,00;EUR;;", "D2;" + k + "1;Müller GmbH;10/3/2026;11/2/2026;500,00;EUR;03.12.2026;", StringComparison.Ordinal);

        var report = await Importer.ImportAsync(Utf8(december), mapping, new ImportSource("dec.csv", AsOf.AddDays(5)));

        Assert.True(report.Applied > 0);
        Assert.Equal(InvoiceStatus.Paid, (await Ledger.LoadAsync(k + "1")).Invoice("D2")!.Status);
    }

    [Fact]
    public async Task File_without_a_mapped_column_is_refused_naming_it()
    {
        var csv = "Document;Customer\nD1;K1\n";

        var ex = await Assert.ThrowsAsync<FormatException>(() => Importer.ImportAsync(Utf8(csv), ImportMapping.Parse(Mapping), new ImportSource("x.csv", AsOf)));

        Assert.Contains("'Posting Date' (for issueDate)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "currency": "EUR", "columns": { "invoiceId": { "column": "A" } } }""", "field 'customerId' must be mapped")]
    [InlineData("""{ "currency": "EUR", "columns": { "invoiceNo": { "column": "A" } } }""", "unknown field 'invoiceNo'")]
    [InlineData("""{ "columns": { "invoiceId": { "column": "A" }, "customerId": { "column": "B" }, "issueDate": { "column": "C" }, "dueDate": { "column": "D" }, "amount": { "column": "E" } } }""", "'currency'")]
    [InlineData("""{ "decimalSeparator": ";", "currency": "EUR", "columns": { } }""", "decimalSeparator")]
    public void Invalid_mapping_is_refused_with_what_is_wrong(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ImportMapping.Parse(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_dropped_into_the_imports_container_is_imported_with_its_folder_mapping_and_reported()
    {
        var k = NewKey();
        var imports = stack.Services.GetRequiredService<StorageLayout>().Imports;
        await imports.GetBlobClient($"{k}/mapping.json").UploadAsync(BinaryData.FromString(Mapping));
        await imports.GetBlobClient($"{k}/2026-11.csv").UploadAsync(BinaryData.FromString(Extract(k)));

        var report = await stack.Services.GetRequiredService<ImportHandler>().ImportBlobAsync($"{k}/2026-11.csv", CancellationToken.None);
        var ignored = await stack.Services.GetRequiredService<ImportHandler>().ImportBlobAsync($"{k}/mapping.json", CancellationToken.None);

        Assert.Equal(4, report!.Imported);
        Assert.Null(ignored);
        Assert.True((await imports.GetBlobClient($"{k}/2026-11.csv.report.json").ExistsAsync()).Value);
        Assert.NotNull((await Ledger.LoadAsync(k + "2")).Invoice("D3"));
    }

    [Fact]
    public async Task Local_host_imports_a_dropped_csv_once_and_reports_a_missing_mapping()
    {
        var k = NewKey();
        var imports = stack.Services.GetRequiredService<StorageLayout>().Imports;
        await imports.GetBlobClient($"{k}/mapping.json").UploadAsync(BinaryData.FromString(Mapping));
        await imports.GetBlobClient($"{k}/nov.csv").UploadAsync(BinaryData.FromString(Extract(k)));
        await imports.GetBlobClient($"{k}-nomap/nov.csv").UploadAsync(BinaryData.FromString(Extract(k)));
        var watcher = stack.Services.GetRequiredService<CollectionsFx.Cli.ImportWatcher>();

        // The host's own watcher may get there first; either way the file is imported once, then never again.
        await watcher.ScanAsync(CancellationToken.None);
        var second = await watcher.ScanAsync(CancellationToken.None);

        Assert.DoesNotContain($"{k}/nov.csv", second);
        Assert.True((await imports.GetBlobClient($"{k}/nov.csv.report.json").ExistsAsync()).Value);
        Assert.NotNull((await Ledger.LoadAsync(k + "1")).Invoice("D1"));
        var failure = (await imports.GetBlobClient($"{k}-nomap/nov.csv.report.json").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("error", failure, StringComparison.Ordinal);
    }
}

