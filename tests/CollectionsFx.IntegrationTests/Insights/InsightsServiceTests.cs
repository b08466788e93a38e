using CollectionsFx.Api.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Insights;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CollectionsFx.IntegrationTests.Insights;

/// <summary>The snapshot refresh: new transactions make a new snapshot; a full reload that finds nothing new keeps the old one (and its warm caches).</summary>
[Collection(StackCollection.Name)]
public sealed class InsightsServiceTests(StackFixture stack)
{
    [Theory]
    [InlineData(0.000001)] // every refresh is a full reload
    [InlineData(60)] // only incremental reads
    public async Task Only_a_change_of_the_log_makes_a_new_snapshot(double fullReloadMinutes)
    {
        var layout = StorageLayout.Create(new StorageOptions { ConnectionString = stack.Azurite.ConnectionString, Prefix = AzuriteFixture.NewPrefix() });
        await layout.EnsureCreatedAsync();
        var store = new TableLedgerStore(layout.Ledger, TimeProvider.System);
        var service = new InsightsService(
            store, new RatesStore(layout.Insights), Options.Create(new InsightsOptions { FullReloadMinutes = fullReloadMinutes }), TimeProvider.System, NullLogger<InsightsService>.Instance);
        var invoice = new InvoiceRecord
        {
            Id = "S-I1", CustomerId = "S-C1", Version = 1, ChangedAt = DateTimeOffset.UtcNow, Resource = "erp",
            IssueDate = new DateOnly(2026, 11, 1), DueDate = new DateOnly(2026, 12, 1), Amount = 10m, Currency = "EUR",
        };
        await store.CommitAsync("S-C1", [new IncomingRecord(invoice)]);

        var first = await service.CurrentAsync(CancellationToken.None);
        await service.RefreshAsync(CancellationToken.None);
        var same = await service.CurrentAsync(CancellationToken.None);
        await store.CommitAsync("S-C1", [new IncomingRecord(invoice with { Id = "S-I2" })]);
        await service.RefreshAsync(CancellationToken.None);
        var next = await service.CurrentAsync(CancellationToken.None);

        Assert.Same(first, same);
        Assert.Single(first.Events);
        Assert.NotSame(same, next);
        Assert.Equal(2, next.Events.Count);
    }
}
