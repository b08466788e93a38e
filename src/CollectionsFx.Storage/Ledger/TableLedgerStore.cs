using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CollectionsFx.Domain.Ledger;
using LedgerModel = CollectionsFx.Domain.Ledger.Ledger;

namespace CollectionsFx.Storage.Ledger;

/// <summary>
/// The ledger on Azure Tables. One partition per customer (PartitionKey = encoded customer id) holds:
/// <list type="bullet">
/// <item><c>r|{kind}|{id}</c>: the current version of each entity (record JSON),</item>
/// <item><c>l|{seq}</c>: the events one accepted record appended (the event log, in order),</item>
/// <item><c>i|{hash}</c>: one marker per delivery key already committed (idempotency),</item>
/// <item><c>~head</c>: the log sequence; its ETag serialises writers of the partition.</item>
/// </list>
/// A record, its events and its marker always go in the same transaction, with the head, so a crash
/// leaves either all of them or none. Transactions never span partitions (Azure rejects that; Azurite does not).
/// See docs/adr/003-ledger-partitions.md.
/// </summary>
public sealed class TableLedgerStore(TableClient table, TimeProvider time) : ILedgerStore
{
    private const string HeadKey = "~head";
    private const int MaxOperations = 100;
    private const int MaxAttempts = 10;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Partition> cache = new(StringComparer.Ordinal);

    /// <summary>The table this store writes to.</summary>
    public TableClient Table => table;

    /// <inheritdoc />
    public async Task<IReadOnlyList<CommitOutcome>> CommitAsync(string customerId, IReadOnlyList<IncomingRecord> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var pk = TableKey.Encode(customerId);
        if (items.FirstOrDefault(i => i.Record.CustomerId != customerId) is { } foreign)
        {
            throw new ArgumentException($"Record {foreign.Record.Key} belongs to customer '{foreign.Record.CustomerId}', not '{customerId}'.", nameof(items));
        }

        var outcomes = new CommitOutcome?[items.Count];
        MarkDuplicatesWithinRequest(items, outcomes);

        var gate = gates.GetOrAdd(pk, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var partition = await GetPartitionAsync(pk, cancellationToken).ConfigureAwait(false);
                try
                {
                    await CommitPendingAsync(pk, partition, items, outcomes, cancellationToken).ConfigureAwait(false);
                    return [.. outcomes.Select(o => o!.Value)];
                }
                catch (TransactionRejectedException ex) when (attempt < MaxAttempts)
                {
                    // The cached ledger saw changes that did not commit: drop it and start from storage.
                    cache.TryRemove(pk, out _);
                    if (ex.Status == 409 && ex.RowKey is { } rk && rk.StartsWith("i|", StringComparison.Ordinal))
                    {
                        MarkDuplicate(items, outcomes, rk);
                    }
                    else if (ex.Status is not (409 or 412))
                    {
                        throw ex.InnerException!;
                    }
                }
            }
        }
        catch
        {
            cache.TryRemove(pk, out _);
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<LedgerModel> LoadAsync(string customerId, CancellationToken cancellationToken = default) =>
        (await LoadPartitionAsync(TableKey.Encode(customerId), cancellationToken).ConfigureAwait(false)).Ledger;

    /// <inheritdoc />
    public async IAsyncEnumerable<LedgerEvent> ReadLogAsync(string? customerId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var filter = customerId is null
            ? TableClient.CreateQueryFilter($"RowKey ge {"l|"} and RowKey lt {"l}"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(customerId)} and RowKey ge {"l|"} and RowKey lt {"l}"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: null, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            foreach (var e in JsonSerializer.Deserialize<LedgerEvent[]>(LargeText.Read(row, "Json"), LedgerJson.Options)!)
            {
                yield return e;
            }
        }
    }

    /// <summary>The marker row key of a delivery key: hashed, because source URIs may be long and hold any character.</summary>
    public static string MarkerKey(string dedupeKey) =>
        "i|" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dedupeKey)), 0, 20);

    private static void MarkDuplicatesWithinRequest(IReadOnlyList<IncomingRecord> items, CommitOutcome?[] outcomes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].DedupeKey is { } key && !seen.Add(key))
            {
                outcomes[i] = CommitOutcome.Duplicate;
            }
        }
    }

    private static void MarkDuplicate(IReadOnlyList<IncomingRecord> items, CommitOutcome?[] outcomes, string markerRowKey)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (outcomes[i] is null && items[i].DedupeKey is { } key && MarkerKey(key) == markerRowKey)
            {
                outcomes[i] = CommitOutcome.Duplicate;
            }
        }
    }

    private async Task CommitPendingAsync(string pk, Partition partition, IReadOnlyList<IncomingRecord> items, CommitOutcome?[] outcomes, CancellationToken ct)
    {
        var batch = new List<TableTransactionAction>(MaxOperations);
        var batchItems = new List<(int Index, CommitOutcome Outcome)>();
        var rowsInBatch = new HashSet<string>(StringComparer.Ordinal);
        var seq = partition.Sequence;
        for (var i = 0; i < items.Count; i++)
        {
            if (outcomes[i] is not null)
            {
                continue;
            }

            var (record, dedupeKey) = items[i];
            var result = partition.Ledger.Apply(record);
            var ops = new List<TableTransactionAction>(3);
            if (dedupeKey is not null)
            {
                ops.Add(new(TableTransactionActionType.Add, Marker(pk, dedupeKey, record)));
            }

            if (result.Outcome == ApplyOutcome.Applied)
            {
                seq++;
                ops.Add(new(TableTransactionActionType.UpsertReplace, RecordRow(pk, record)));
                ops.Add(new(TableTransactionActionType.Add, EventRow(pk, seq, result.Events)));
            }

            // A transaction holds at most 100 operations and each row once: two versions of one entity
            // in the same request go into consecutive transactions.
            if (batch.Count + ops.Count + 1 > MaxOperations || ops.Any(op => rowsInBatch.Contains(op.Entity.RowKey)))
            {
                await SubmitAsync(pk, partition, batch, batchItems, seq - (result.Outcome == ApplyOutcome.Applied ? 1 : 0), outcomes, ct).ConfigureAwait(false);
                rowsInBatch.Clear();
            }

            batch.AddRange(ops);
            rowsInBatch.UnionWith(ops.Select(op => op.Entity.RowKey));
            batchItems.Add((i, result.Outcome switch
            {
                ApplyOutcome.Applied => CommitOutcome.Applied,
                ApplyOutcome.Duplicate => CommitOutcome.Unchanged,
                _ => CommitOutcome.Stale,
            }));
        }

        await SubmitAsync(pk, partition, batch, batchItems, seq, outcomes, ct).ConfigureAwait(false);
    }

    private async Task SubmitAsync(
        string pk, Partition partition, List<TableTransactionAction> batch, List<(int Index, CommitOutcome Outcome)> batchItems, long seq, CommitOutcome?[] outcomes, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var head = new TableEntity(pk, HeadKey) { ["Sequence"] = seq, ["UpdatedAt"] = time.GetUtcNow() };
        batch.Add(partition.ETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, head, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, head));

        Response<IReadOnlyList<Response>> responses;
        try
        {
            responses = await table.SubmitTransactionAsync(batch, ct).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex)
        {
            var rowKey = ex.FailedTransactionActionIndex is int i && i < batch.Count ? batch[i].Entity.RowKey : null;
            throw new TransactionRejectedException(ex.Status, rowKey, ex);
        }

        partition.ETag = responses.Value[^1].Headers.ETag;
        partition.Sequence = seq;
        cache[pk] = partition;
        foreach (var (index, outcome) in batchItems)
        {
            outcomes[index] = outcome;
        }

        batch.Clear();
        batchItems.Clear();
    }

    private async Task<Partition> GetPartitionAsync(string pk, CancellationToken ct) =>
        cache.TryGetValue(pk, out var cached) ? cached : await LoadPartitionAsync(pk, ct).ConfigureAwait(false);

    private async Task<Partition> LoadPartitionAsync(string pk, CancellationToken ct)
    {
        var head = await table.GetEntityIfExistsAsync<TableEntity>(pk, HeadKey, cancellationToken: ct).ConfigureAwait(false);
        var ledger = new LedgerModel();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {"r|"} and RowKey lt {"r}"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            ledger.Apply(JsonSerializer.Deserialize<LedgerRecord>(LargeText.Read(row, "Json"), LedgerJson.Options)!);
        }

        return head.HasValue
            ? new Partition(ledger) { ETag = head.Value!.ETag, Sequence = head.Value.GetInt64("Sequence") ?? 0 }
            : new Partition(ledger);
    }

    private static TableEntity RecordRow(string pk, LedgerRecord record)
    {
        var row = new TableEntity(pk, $"r|{record.Kind}|{TableKey.Encode(record.Id)}")
        {
            ["Kind"] = record.Kind.ToString(),
            ["Version"] = record.Version,
        };
        LargeText.Write(row, "Json", JsonSerializer.Serialize(record, LedgerJson.Options));
        return row;
    }

    private static TableEntity EventRow(string pk, long seq, IReadOnlyList<LedgerEvent> events)
    {
        var row = new TableEntity(pk, "l|" + seq.ToString("D12", CultureInfo.InvariantCulture)) { ["Count"] = events.Count };
        LargeText.Write(row, "Json", JsonSerializer.Serialize(events, LedgerJson.Options));
        return row;
    }

    private TableEntity Marker(string pk, string dedupeKey, LedgerRecord record) => new(pk, MarkerKey(dedupeKey))
    {
        ["DeliveryKey"] = dedupeKey.Length > 1000 ? dedupeKey[..1000] : dedupeKey,
        ["Entity"] = record.Key.ToString(),
        ["Version"] = record.Version,
        ["ReceivedAt"] = time.GetUtcNow(),
    };

    /// <summary>A transaction Azure refused, with the row that made it fail.</summary>
    private sealed class TransactionRejectedException(int status, string? rowKey, Exception inner)
        : Exception($"Transaction rejected with {status} at row '{rowKey}'.", inner)
    {
        public int Status { get; } = status;

        public string? RowKey { get; } = rowKey;
    }

    private sealed class Partition(LedgerModel ledger)
    {
        public LedgerModel Ledger { get; } = ledger;

        public ETag? ETag { get; set; }

        public long Sequence { get; set; }
    }
}
