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
/// <item><c>l|{seq}</c>: one log row per committed transaction: the events it appended, in order, and the
/// hashed delivery keys (CloudEvents source + id) of the records it took,</item>
/// </list>
/// A transaction holds its records and one log row with their events and delivery keys: a crash leaves all
/// or none. The log row is inserted (never upserted) under the next sequence number, so two writers racing
/// for a partition collide on it (409) and the loser reloads: a writer whose commit succeeded had seen every
/// earlier delivery. Transactions never span partitions: Azure rejects that, Azurite does not.
/// See docs/adr/003-ledger-partitions.md.
/// </summary>
public sealed class TableLedgerStore(TableClient table, TimeProvider time, int maxCachedPartitions = TableLedgerStore.DefaultMaxCachedPartitions) : ILedgerStore, ILedgerRedaction
{
    /// <summary>Partitions kept in memory by default; the least recently used go first beyond that.</summary>
    public const int DefaultMaxCachedPartitions = 5_000;

    private const int MaxOperations = 100;
    private const int MaxLogChars = 2_000_000; // uncompressed; Brotli brings a log row well under the 1 MiB entity limit
    private const int MaxAttempts = 20;

    // Everything a partition load needs, and not the events of the log rows.
    private static readonly string[] LoadColumns = ["RowKey", "Deliveries", .. LargeText.Columns("Json")];

    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Partition> cache = new(StringComparer.Ordinal);

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
        var gate = gates.GetOrAdd(pk, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var partition = cache.TryGetValue(pk, out var cached) ? cached : await LoadPartitionAsync(pk, cancellationToken).ConfigureAwait(false);
                try
                {
                    await CommitPendingAsync(pk, partition, items, outcomes, cancellationToken).ConfigureAwait(false);
                    return [.. outcomes.Select(o => o!.Value)];
                }
                catch (TransactionRejectedException ex) when (ex.Status == 409 && attempt < MaxAttempts)
                {
                    // Another writer committed since this partition was loaded: reload and go on with what is left,
                    // after a jittered, growing pause so that two busy writers do not keep colliding.
                    cache.TryRemove(pk, out _);
                    var ceiling = Math.Min(1_000, 10 << Math.Min(attempt, 7));
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(ceiling / 2, ceiling)), time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            // The cached ledger may hold changes that did not commit.
            cache.TryRemove(pk, out _);
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each changed row is replaced under its ETag: a row another process changed meanwhile fails with 412 and the pass starts
    /// again (what it already rewrote is unchanged by a second pass). Commits of this process wait for the partition's gate.
    /// </remarks>
    public async Task<RedactionCount> RedactAsync(
        string customerId, Func<LedgerRecord, LedgerRecord> record, Func<LedgerEvent, LedgerEvent> logEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(logEvent);
        var pk = TableKey.Encode(customerId);
        var gate = gates.GetOrAdd(pk, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await RedactPartitionAsync(pk, record, logEvent, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 200)), time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            cache.TryRemove(pk, out _);
            gate.Release();
        }
    }

    private async Task<RedactionCount> RedactPartitionAsync(string pk, Func<LedgerRecord, LedgerRecord> redact, Func<LedgerEvent, LedgerEvent> redactEvent, CancellationToken ct)
    {
        var (records, transactions) = (0, 0);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {"l|"} and RowKey lt {"r}"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.RowKey.StartsWith("r|", StringComparison.Ordinal))
            {
                var current = JsonSerializer.Deserialize<LedgerRecord>(LargeText.Read(row, "Json"), LedgerJson.Options)!;
                var redacted = redact(current);
                if (!ReferenceEquals(redacted, current))
                {
                    await table.UpdateEntityAsync(RecordRow(pk, redacted), row.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                    records++;
                }
            }
            else if (row.RowKey.StartsWith("l|", StringComparison.Ordinal))
            {
                var events = JsonSerializer.Deserialize<LedgerEvent[]>(CompressedText.Read(row, "Events"), LedgerJson.Options)!;
                var redacted = events.Select(redactEvent).ToArray();
                if (redacted.Where((e, i) => !ReferenceEquals(e, events[i])).Any())
                {
                    // The same row with its events replaced (the compressed chunks are rewritten whole: Replace, not Merge).
                    var replaced = new TableEntity(pk, row.RowKey);
                    foreach (var (key, value) in row.Where(p => !p.Key.StartsWith("Events", StringComparison.Ordinal) && !p.Key.StartsWith("odata.", StringComparison.Ordinal)
                        && p.Key is not ("PartitionKey" or "RowKey" or "Timestamp")))
                    {
                        replaced[key] = value;
                    }

                    CompressedText.Write(replaced, "Events", JsonSerializer.Serialize(redacted, LedgerJson.Options));
                    await table.UpdateEntityAsync(replaced, row.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                    transactions++;
                }
            }
        }

        return new RedactionCount(records, transactions);
    }

    /// <summary>How many partitions are cached now (never more than the configured maximum after a commit).</summary>
    public int CachedPartitions => cache.Count;

    /// <inheritdoc />
    public async Task<LedgerModel> LoadAsync(string customerId, CancellationToken cancellationToken = default) =>
        (await LoadPartitionAsync(TableKey.Encode(customerId), cancellationToken).ConfigureAwait(false)).Ledger;

    /// <inheritdoc />
    public async IAsyncEnumerable<LedgerEvent> ReadLogAsync(string? customerId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var filter = customerId is null
            ? TableClient.CreateQueryFilter($"RowKey ge {"l|"} and RowKey lt {"l}"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(customerId)} and RowKey ge {"l|"} and RowKey lt {"l}"}");
        await foreach (var tx in QueryLogAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            foreach (var e in tx.Events)
            {
                yield return e;
            }
        }
    }

    /// <summary>Every customer whose partition holds current records (one scan of the record rows' keys).</summary>
    public async IAsyncEnumerable<string> CustomersWithRecordsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? last = null;
        var filter = TableClient.CreateQueryFilter($"RowKey ge {"r|"} and RowKey lt {"r}"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.PartitionKey != last)
            {
                last = row.PartitionKey;
                yield return TableKey.Decode(row.PartitionKey);
            }
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<LogTransaction> ReadTransactionsAsync(DateTimeOffset? committedSince = null, CancellationToken cancellationToken = default) =>
        QueryLogAsync(
            committedSince is { } since
                ? TableClient.CreateQueryFilter($"RowKey ge {"l|"} and RowKey lt {"l}"} and CommittedAt ge {since}")
                : TableClient.CreateQueryFilter($"RowKey ge {"l|"} and RowKey lt {"l}"}"),
            cancellationToken);

    /// <summary>Log rows matching <paramref name="filter"/>, read as transactions.</summary>
    private async IAsyncEnumerable<LogTransaction> QueryLogAsync(string filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var events = JsonSerializer.Deserialize<LedgerEvent[]>(CompressedText.Read(row, "Events"), LedgerJson.Options)!;
            var sequence = long.Parse(row.RowKey.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture);
            yield return new LogTransaction(row.PartitionKey, sequence, row.GetDateTimeOffset("CommittedAt") ?? DateTimeOffset.MinValue, events);
        }
    }

    /// <summary>The stored form of a delivery key: hashed, because source URIs may be long and hold any character.</summary>
    public static string DeliveryHash(string dedupeKey) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dedupeKey)), 0, 20);

    private async Task CommitPendingAsync(string pk, Partition partition, IReadOnlyList<IncomingRecord> items, CommitOutcome?[] outcomes, CancellationToken ct)
    {
        var tx = new PendingTransaction();
        for (var i = 0; i < items.Count; i++)
        {
            if (outcomes[i] is not null)
            {
                continue;
            }

            var (record, dedupeKey) = items[i];
            var hash = dedupeKey is null ? null : DeliveryHash(dedupeKey);
            if (hash is not null && (partition.Deliveries.Contains(hash) || tx.Deliveries.Contains(hash)))
            {
                outcomes[i] = CommitOutcome.Duplicate;
                continue;
            }

            // Each row at most once per transaction: a second version of an entity starts the next one.
            var recordRow = RecordRowKey(record);
            if (tx.Records.ContainsKey(recordRow))
            {
                await SubmitAsync(pk, partition, tx, outcomes, ct).ConfigureAwait(false);
            }

            var result = partition.Ledger.Apply(record);
            var events = result.Outcome == ApplyOutcome.Applied ? JsonSerializer.Serialize(result.Events, LedgerJson.Options) : null;
            if (tx.Items.Count > 0 && (tx.Records.Count + 2 > MaxOperations || tx.LogChars + (events?.Length ?? 0) > MaxLogChars))
            {
                await SubmitAsync(pk, partition, tx, outcomes, ct).ConfigureAwait(false);
            }

            tx.Add(i, record, recordRow, result.Outcome, events, hash);
        }

        await SubmitAsync(pk, partition, tx, outcomes, ct).ConfigureAwait(false);
    }

    private async Task SubmitAsync(string pk, Partition partition, PendingTransaction tx, CommitOutcome?[] outcomes, CancellationToken ct)
    {
        if (tx.Records.Count > 0 || tx.Deliveries.Count > 0)
        {
            var seq = partition.Sequence + 1;
            var actions = tx.Records.Values.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, RecordRow(pk, r))).ToList();
            actions.Add(new(TableTransactionActionType.Add, tx.LogRow(pk, seq, time.GetUtcNow())));
            try
            {
                await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException ex)
            {
                throw new TransactionRejectedException(ex.Status, ex);
            }

            partition.Sequence = seq;
            partition.Deliveries.UnionWith(tx.Deliveries);
        }

        partition.LastUsed = time.GetTimestamp();
        cache[pk] = partition;
        TrimCache();
        foreach (var (index, outcome) in tx.Items)
        {
            outcomes[index] = outcome;
        }

        tx.Clear();
    }

    // Evicts the least recently used tenth once the cache is over its size; an evicted partition is simply
    // reloaded from storage on its next commit.
    private void TrimCache()
    {
        if (cache.Count <= maxCachedPartitions)
        {
            return;
        }

        foreach (var old in cache.OrderBy(kv => kv.Value.LastUsed).Take(cache.Count - maxCachedPartitions + (maxCachedPartitions / 10)).ToList())
        {
            cache.TryRemove(old);
        }
    }

    private async Task<Partition> LoadPartitionAsync(string pk, CancellationToken ct)
    {
        // One range query reads the log rows ("l|...": sequence and delivery keys only) and the records ("r|...").
        var partition = new Partition();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {"l|"} and RowKey lt {"r}"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: LoadColumns, cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.RowKey.StartsWith("r|", StringComparison.Ordinal))
            {
                partition.Ledger.Apply(JsonSerializer.Deserialize<LedgerRecord>(LargeText.Read(row, "Json"), LedgerJson.Options)!);
            }
            else if (row.RowKey.StartsWith("l|", StringComparison.Ordinal))
            {
                partition.Sequence = Math.Max(partition.Sequence, long.Parse(row.RowKey.AsSpan(2), CultureInfo.InvariantCulture));
                if (row.GetString("Deliveries") is { Length: > 0 } deliveries)
                {
                    partition.Deliveries.UnionWith(deliveries.Split(','));
                }
            }
        }

        return partition;
    }

    private static string RecordRowKey(LedgerRecord record) => $"r|{record.Kind}|{TableKey.Encode(record.Id)}";

    private static TableEntity RecordRow(string pk, LedgerRecord record)
    {
        var row = new TableEntity(pk, RecordRowKey(record)) { ["Kind"] = record.Kind.ToString(), ["Version"] = record.Version };
        LargeText.Write(row, "Json", JsonSerializer.Serialize(record, LedgerJson.Options));
        return row;
    }

    /// <summary>What one transaction will write: records by row key, the events' JSON, delivery hashes, item outcomes.</summary>
    private sealed class PendingTransaction
    {
        private readonly List<string> events = [];

        public Dictionary<string, LedgerRecord> Records { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Deliveries { get; } = new(StringComparer.Ordinal);

        public List<(int Index, CommitOutcome Outcome)> Items { get; } = [];

        public int LogChars { get; private set; }

        public void Add(int index, LedgerRecord record, string recordRow, ApplyOutcome outcome, string? eventsJson, string? delivery)
        {
            if (eventsJson is not null)
            {
                Records[recordRow] = record;
                events.Add(eventsJson);
                LogChars += eventsJson.Length;
            }

            if (delivery is not null)
            {
                Deliveries.Add(delivery);
            }

            Items.Add((index, outcome switch
            {
                ApplyOutcome.Applied => CommitOutcome.Applied,
                ApplyOutcome.Duplicate => CommitOutcome.Unchanged,
                _ => CommitOutcome.Stale,
            }));
        }

        public TableEntity LogRow(string pk, long seq, DateTimeOffset committedAt)
        {
            var row = new TableEntity(pk, "l|" + seq.ToString("D12", CultureInfo.InvariantCulture))
            {
                ["CommittedAt"] = committedAt,
                ["Deliveries"] = string.Join(',', Deliveries),
                ["Records"] = Records.Count,
            };

            // Each element is already a JSON array of events: splice them into one array.
            CompressedText.Write(row, "Events", "[" + string.Join(',', events.Where(e => e.Length > 2).Select(e => e[1..^1])) + "]");
            return row;
        }

        public void Clear()
        {
            Records.Clear();
            Deliveries.Clear();
            Items.Clear();
            events.Clear();
            LogChars = 0;
        }
    }

    /// <summary>A transaction Azure refused.</summary>
    private sealed class TransactionRejectedException(int status, Exception inner)
        : Exception($"Transaction rejected with status {status}.", inner)
    {
        public int Status { get; } = status;
    }

    private sealed class Partition
    {
        public LedgerModel Ledger { get; } = new();

        public HashSet<string> Deliveries { get; } = new(StringComparer.Ordinal);

        public long Sequence { get; set; }

        public long LastUsed { get; set; }
    }
}
