using CollectionsFx.Domain.Webhooks;
using System.Text;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Ledger;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CollectionsFx.IntegrationTests.Ingestion;

/// <summary>When the ledger cannot commit, the request fails, its raw body is kept, and the sender's retry applies it once.</summary>
[Collection(StackCollection.Name)]
public sealed class StorageFailureTests(StackFixture stack)
{
    [Fact]
    public async Task Commit_failure_fails_the_request_keeps_the_raw_body_and_the_retry_applies_exactly_once()
    {
        var layout = StorageLayout.Create(new StorageOptions { ConnectionString = stack.Azurite.ConnectionString, Prefix = AzuriteFixture.NewPrefix() });
        await layout.EnsureCreatedAsync();
        var store = new FailingOnceStore(new TableLedgerStore(layout.Ledger, TimeProvider.System));
        var ingestion = new IngestionService(
            store, new BlobDeadLetterStore(layout.DeadLetters), new BlobRawPayloadStore(layout.RawPayloads),
            Options.Create(new IngestionOptions { Secrets = { ["erp"] = "s" } }), TimeProvider.System, NullLogger<IngestionService>.Instance);
        var body = Events.Single(EventTypes.Invoice, Events.Invoice("INV-F", "C-F"), id: "evt-fail-once");

        await Assert.ThrowsAsync<IOException>(() => ingestion.IngestAsync(Request(body), "erp", CancellationToken.None));
        var raw = await layout.RawPayloads.GetBlobsAsync().CollectAsync();
        var retry = await ingestion.IngestAsync(Request(body), "erp", CancellationToken.None);
        var again = await ingestion.IngestAsync(Request(body), "erp", CancellationToken.None);

        Assert.Single(raw);
        Assert.Contains("evt-fail-once", (await layout.RawPayloads.GetBlobClient(raw[0].Name).DownloadContentAsync()).Value.Content.ToString(), StringComparison.Ordinal);
        Assert.Equal(Outcome.Applied, ((IValueHttpResult)retry).Value is ItemOutcome o ? o.Outcome : default);
        Assert.Equal(Outcome.Duplicate, ((IValueHttpResult)again).Value is ItemOutcome d ? d.Outcome : default);
        Assert.Single(await store.ReadLogAsync("C-F").CollectAsync());
    }

    private static HttpRequest Request(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = IngestionService.SingleMediaType;
        context.Request.Headers[WebhookSignature.Header] = WebhookSignature.Sign("s", DateTimeOffset.UtcNow, bytes);
        return context.Request;
    }

    /// <summary>The real store, except that its first commit fails as a storage outage would.</summary>
    private sealed class FailingOnceStore(ILedgerStore inner) : ILedgerStore
    {
        private int calls;

        public Task<IReadOnlyList<CommitOutcome>> CommitAsync(string customerId, IReadOnlyList<IncomingRecord> items, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref calls) == 1 ? throw new IOException("storage unavailable") : inner.CommitAsync(customerId, items, cancellationToken);

        public Task<Ledger> LoadAsync(string customerId, CancellationToken cancellationToken = default) => inner.LoadAsync(customerId, cancellationToken);

        public IAsyncEnumerable<LedgerEvent> ReadLogAsync(string? customerId = null, CancellationToken cancellationToken = default) => inner.ReadLogAsync(customerId, cancellationToken);

        public IAsyncEnumerable<LogTransaction> ReadTransactionsAsync(DateTimeOffset? committedSince = null, CancellationToken cancellationToken = default) =>
            inner.ReadTransactionsAsync(committedSince, cancellationToken);
    }
}
