using CollectionsFx.Api.Jobs;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage;
using CollectionsFx.Storage.EventLog;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.EventLog;

[Collection(StackCollection.Name)]
public sealed class EventLogSegmentsTests(StackFixture stack)
{
    private async Task<EventLogSegments> NewSegmentsAsync(int segmentEvents)
    {
        var layout = StorageLayout.Create(new StorageOptions { ConnectionString = stack.Azurite.ConnectionString, Prefix = AzuriteFixture.NewPrefix() });
        await layout.EnsureCreatedAsync();
        return new EventLogSegments(layout.EventLog, segmentEvents);
    }

    private static async IAsyncEnumerable<LedgerEvent> Synthetic(int count)
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            yield return new LedgerEvent($"I{i / 3}", "invoice", i % 3 == 0 ? Activities.CreateInvoice : Activities.ClearInvoice, t0.AddMinutes(i), "erp", $"C{i % 17}", i + 0.5m, "EUR");
        }

        await Task.CompletedTask;
    }

    [Fact]
    public async Task Export_splits_into_segments_and_load_returns_every_event_in_order()
    {
        var segments = await NewSegmentsAsync(segmentEvents: 1_000);
        var expected = await Synthetic(2_500).CollectAsync();

        var manifest = await segments.ExportAsync(Synthetic(2_500), DateTimeOffset.UnixEpoch);
        var loaded = await segments.LoadAsync();

        Assert.Equal(3, manifest.Segments.Count);
        Assert.Equal(2_500, manifest.Events);
        Assert.Equal(expected, loaded);
    }

    [Fact]
    public async Task Nothing_is_loaded_before_the_first_export_and_a_new_export_replaces_the_old()
    {
        var segments = await NewSegmentsAsync(segmentEvents: 1_000);
        Assert.Empty(await segments.LoadAsync());

        await segments.ExportAsync(Synthetic(10), DateTimeOffset.UnixEpoch);
        await segments.ExportAsync(Synthetic(4), DateTimeOffset.UnixEpoch.AddDays(1));

        Assert.Equal(4, (await segments.LoadAsync()).Count);
    }

    [Fact]
    public async Task Exported_log_equals_the_ledger_log_without_the_records()
    {
        var layout = StorageLayout.Create(new StorageOptions { ConnectionString = stack.Azurite.ConnectionString, Prefix = AzuriteFixture.NewPrefix() });
        await layout.EnsureCreatedAsync();
        var store = new TableLedgerStore(layout.Ledger, TimeProvider.System);
        var invoice = new InvoiceRecord
        {
            Id = "I1", CustomerId = "C1", Version = 1, ChangedAt = DateTimeOffset.UnixEpoch, Resource = "erp",
            IssueDate = new DateOnly(2026, 1, 1), DueDate = new DateOnly(2026, 1, 31), Amount = 10m, Currency = "EUR",
        };
        await store.CommitAsync("C1", [new IncomingRecord(invoice), new IncomingRecord(invoice with { Version = 2, DueDate = new DateOnly(2026, 2, 28) })]);
        var exporter = new EventLogExporter(store, new EventLogSegments(layout.EventLog), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<EventLogExporter>.Instance);

        var manifest = await exporter.ExportAsync(CancellationToken.None);

        var log = (await store.ReadLogAsync().CollectAsync()).Select(e => e with { Record = null }).ToList();

        Assert.Equal(2, manifest.Events);
        Assert.Equal(log, await new EventLogSegments(layout.EventLog).LoadAsync());
        Assert.Equal([Activities.CreateInvoice, Activities.ChangeDueDate], log.Select(e => e.Activity));
    }
}
