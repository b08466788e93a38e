using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using LedgerModel = CollectionsFx.Domain.Ledger.Ledger;

namespace CollectionsFx.IntegrationTests.Storage;

[Collection(StackCollection.Name)]
public sealed partial class LedgerStoreTests(StackFixture stack)
{
    private async Task<(StorageLayout Layout, BatchRecorder Recorder)> NewLayoutAsync()
    {
        var recorder = new BatchRecorder();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        var layout = StorageLayout.Create(new StorageOptions { ConnectionString = stack.Azurite.ConnectionString, Prefix = AzuriteFixture.NewPrefix() }, tableOptions);
        await layout.EnsureCreatedAsync();
        return (layout, recorder);
    }

    private static InvoiceRecord Invoice(string customer, string id, decimal amount, long version = 1) => new()
    {
        Id = id, CustomerId = customer, Version = version, ChangedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(version),
        Resource = "erp", IssueDate = new DateOnly(2026, 11, 1), DueDate = new DateOnly(2026, 12, 1), Amount = amount, Currency = "EUR",
    };

    private static Task<List<LedgerEvent>> LogAsync(ILedgerStore store, string customer) => store.ReadLogAsync(customer).CollectAsync();

    [Fact]
    public async Task A_mixed_batch_over_many_customers_never_sends_a_transaction_spanning_partitions()
    {
        var (layout, recorder) = await NewLayoutAsync();
        var store = new TableLedgerStore(layout.Ledger, TimeProvider.System);
        var ingestion = new IngestionService(
            store, new BlobDeadLetterStore(layout.DeadLetters), new BlobRawPayloadStore(layout.RawPayloads),
            Options.Create(new IngestionOptions()), TimeProvider.System, NullLogger<IngestionService>.Instance);
        var events = Enumerable.Range(0, 250).Select(i => JsonSerializer.SerializeToElement(JsonNode.Parse(Events.Single(EventTypes.Invoice, Events.Invoice($"I{i}", $"C{i % 3}")))!)).ToList();

        var outcomes = await ingestion.ProcessAsync("erp", DateTimeOffset.UtcNow, events, CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(Outcome.Applied, o.Outcome));
        Assert.True(recorder.Batches.Count >= 3, $"expected several transactions, saw {recorder.Batches.Count}");
        Assert.All(recorder.Batches, keys => Assert.Single(keys));
        Assert.All(recorder.Batches, keys => Assert.Contains(keys.Single(), new[] { "C0", "C1", "C2" }));
    }

    [Fact]
    public async Task The_recorder_sees_a_cross_partition_transaction_when_one_is_sent()
    {
        // Proves the guard above can fail: Azurite accepts this batch, Azure would not.
        var (layout, recorder) = await NewLayoutAsync();
        await layout.Ledger.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("A", "1")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("B", "1")),
        ]);

        Assert.Equal(2, Assert.Single(recorder.Batches).Count);
    }

    [Fact]
    public async Task Two_instances_writing_one_customer_concurrently_lose_and_double_nothing()
    {
        var (layout, _) = await NewLayoutAsync();
        var a = new TableLedgerStore(layout.Ledger, TimeProvider.System);
        var b = new TableLedgerStore(layout.Ledger, TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? a : b).CommitAsync("C", [new IncomingRecord(Invoice("C", $"I{i}", 10m + i), $"evt-{i}")])));
        var duplicate = await b.CommitAsync("C", [new IncomingRecord(Invoice("C", "I0", 999m, 2), "evt-0")]);

        Assert.Equal(CommitOutcome.Duplicate, Assert.Single(duplicate));
        var ledger = await new TableLedgerStore(layout.Ledger, TimeProvider.System).LoadAsync("C");
        Assert.Equal(40, ledger.Invoices().Count());
        Assert.Equal(10m, ledger.Invoice("I0")!.Invoice.Amount);
        Assert.Equal(40, (await LogAsync(a, "C")).Count);
    }

    [Fact]
    public async Task Ledger_in_tables_is_rebuilt_exactly_from_its_event_log()
    {
        var (layout, _) = await NewLayoutAsync();
        var store = new TableLedgerStore(layout.Ledger, TimeProvider.System);
        IncomingRecord[] items =
        [
            new(Invoice("C", "I1", 100m)), new(Invoice("C", "I2", 250m)),
            new(new PaymentRecord
            {
                Id = "P1", CustomerId = "C", Version = 1, ChangedAt = DateTimeOffset.UnixEpoch, Resource = "erp", ValueDate = new DateOnly(2026, 11, 20),
                Amount = 300m, Currency = "EUR", Allocations = [new Allocation("I1", 100m), new Allocation("I2", 150m)],
            }),
            new(Invoice("C", "I2", 260m, 2)), new(Invoice("C", "I1", 1m, 0)),
        ];
        var outcomes = await store.CommitAsync("C", items);

        Assert.Equal([CommitOutcome.Applied, CommitOutcome.Applied, CommitOutcome.Applied, CommitOutcome.Applied, CommitOutcome.Stale], outcomes);
        var stored = await store.LoadAsync("C");
        var rebuilt = LedgerModel.Replay(await LogAsync(store, "C"));
        Assert.Equal(LedgerJson.Canonical(stored), LedgerJson.Canonical(rebuilt));
        Assert.Equal(110m, stored.Invoice("I2")!.OpenAmount);
    }

    [Fact]
    public async Task Payment_with_hundreds_of_allocations_round_trips_through_one_entity()
    {
        var (layout, _) = await NewLayoutAsync();
        var store = new TableLedgerStore(layout.Ledger, TimeProvider.System);
        var allocations = Enumerable.Range(0, EventTypes.All.Count * 60).Select(i => new Allocation($"INVOICE-WITH-A-LONG-NUMBER-{i:D6}", 1.25m)).ToList();
        var payment = new PaymentRecord
        {
            Id = "P-BIG", CustomerId = "C/1#?", Version = 1, ChangedAt = DateTimeOffset.UnixEpoch, Resource = "erp",
            ValueDate = new DateOnly(2026, 11, 20), Amount = 1000m, Currency = "EUR", Allocations = allocations,
        };

        await store.CommitAsync("C/1#?", [new IncomingRecord(payment)]);

        var reloaded = (PaymentRecord)(await new TableLedgerStore(layout.Ledger, TimeProvider.System).LoadAsync("C/1#?")).Find(payment.Key)!;
        Assert.Equal(payment, reloaded);
    }

    [Fact]
    public async Task Same_delivery_key_twice_in_one_request_is_applied_once()
    {
        var (layout, _) = await NewLayoutAsync();
        var store = new TableLedgerStore(layout.Ledger, TimeProvider.System);

        var outcomes = await store.CommitAsync("C", [new IncomingRecord(Invoice("C", "I1", 10m), "k1"), new IncomingRecord(Invoice("C", "I1", 20m, 2), "k1")]);

        Assert.Equal([CommitOutcome.Applied, CommitOutcome.Duplicate], outcomes);
        Assert.Equal(10m, (await store.LoadAsync("C")).Invoice("I1")!.Invoice.Amount);
    }

    [Fact]
    public async Task Hundreds_of_records_for_one_customer_commit_in_several_transactions_of_at_most_100_operations()
    {
        var (layout, recorder) = await NewLayoutAsync();
        var store = new TableLedgerStore(layout.Ledger, TimeProvider.System);
        var items = Enumerable.Range(0, 250).Select(i => new IncomingRecord(Invoice("C", $"I{i:D3}", i + 1), $"evt-{i}")).ToList();

        var outcomes = await store.CommitAsync("C", items);

        Assert.All(outcomes, o => Assert.Equal(CommitOutcome.Applied, o));
        Assert.Equal(3, recorder.Batches.Count);
        Assert.All(recorder.Operations, count => Assert.InRange(count, 1, 100));
        var log = await LogAsync(store, "C");
        Assert.Equal(250, log.Count);
        Assert.Equal(items.Select(i => i.Record), log.Select(e => e.Record));
        Assert.Equal(250, (await new TableLedgerStore(layout.Ledger, TimeProvider.System).LoadAsync("C")).Invoices().Count());
    }

    [Fact]
    public async Task Cache_keeps_at_most_its_size_and_an_evicted_partition_is_reloaded_correctly()
    {
        var (layout, _) = await NewLayoutAsync();
        var store = new TableLedgerStore(layout.Ledger, TimeProvider.System, maxCachedPartitions: 3);
        for (var c = 0; c < 8; c++)
        {
            await store.CommitAsync($"C{c}", [new IncomingRecord(Invoice($"C{c}", "I1", 10m), $"k{c}")]);
        }

        var again = await store.CommitAsync("C0", [new IncomingRecord(Invoice("C0", "I1", 99m, 2), "k0"), new IncomingRecord(Invoice("C0", "I2", 5m), "k0b")]);

        Assert.InRange(store.CachedPartitions, 1, 3);
        Assert.Equal([CommitOutcome.Duplicate, CommitOutcome.Applied], again);
        var ledger = await store.LoadAsync("C0");
        Assert.Equal((10m, 5m), (ledger.Invoice("I1")!.Invoice.Amount, ledger.Invoice("I2")!.Invoice.Amount));
    }

    /// <summary>Records the PartitionKeys of every entity in each $batch request.</summary>
    private sealed partial class BatchRecorder : HttpPipelineSynchronousPolicy
    {
        public ConcurrentQueue<HashSet<string>> Batches { get; } = new();

        public ConcurrentQueue<int> Operations { get; } = new();

        public override void OnSendingRequest(HttpMessage message)
        {
            if (!message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) || message.Request.Content is null)
            {
                return;
            }

            using var buffer = new MemoryStream();
            message.Request.Content.WriteTo(buffer, CancellationToken.None);
            var text = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            var keys = PartitionKey().Matches(text).Select(m => m.Groups[1].Value).ToList();
            Batches.Enqueue([.. keys]);
            Operations.Enqueue(keys.Count);
        }

        [GeneratedRegex("\"PartitionKey\":\\s*\"([^\"]*)\"")]
        private static partial Regex PartitionKey();
    }
}
