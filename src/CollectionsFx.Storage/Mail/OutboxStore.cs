using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.Storage.Mail;

/// <summary>
/// Where a message stands: <see cref="Sending"/> is written before the send, <see cref="Sent"/> after it, <see cref="Failed"/>
/// when the send failed before the server took the message (a retry may send it).
/// </summary>
public enum OutboxState
{
    Sending,
    Sent,
    Failed,
}

/// <summary>One outbox row: the idempotency key, the message's fixed Message-ID, its state and when it last changed.</summary>
public sealed record OutboxEntry(string Key, string MessageId, OutboxState State, DateTimeOffset At);

/// <summary>
/// The e-mail outbox (ARCHITECTURE.md: "outbox row keyed by workflow instance + step"): PK = customer, RK = the key. The row
/// is added before the send (an add, so two concurrent attempts cannot both pass) and marked sent after it.
/// </summary>
public sealed class OutboxStore(TableClient table)
{
    /// <summary>
    /// Adds a <see cref="OutboxState.Sending"/> row for <paramref name="key"/> (or turns a <see cref="OutboxState.Failed"/> one
    /// back into it) and returns null: the caller may send. Otherwise returns the row that stands in the way.
    /// </summary>
    public async Task<OutboxEntry?> BeginAsync(string customerId, string key, string messageId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(TableKey.Encode(customerId), TableKey.Encode(key))
        {
            ["Key"] = key, ["MessageId"] = messageId, ["State"] = nameof(OutboxState.Sending), ["At"] = at,
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = (await table.GetEntityAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            if (existing.GetString("State") != nameof(OutboxState.Failed))
            {
                return Read(existing);
            }

            try
            {
                // Only one retry may take a failed message over: the update is conditional on the row read.
                await table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (RequestFailedException conflict) when (conflict.Status == 412)
            {
                return await GetAsync(customerId, key, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Marks the message as not sent: the server never took it (a retry may send it).</summary>
    public async Task MarkFailedAsync(string customerId, string key, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await table.UpdateEntityAsync(
            new TableEntity(TableKey.Encode(customerId), TableKey.Encode(key)) { ["State"] = nameof(OutboxState.Failed), ["At"] = at }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);

    /// <summary>Marks the message sent.</summary>
    public async Task MarkSentAsync(string customerId, string key, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await table.UpdateEntityAsync(
            new TableEntity(TableKey.Encode(customerId), TableKey.Encode(key)) { ["State"] = nameof(OutboxState.Sent), ["At"] = at }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);

    /// <summary>The row of <paramref name="key"/>, or null.</summary>
    public async Task<OutboxEntry?> GetAsync(string customerId, string key, CancellationToken cancellationToken = default)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(customerId), TableKey.Encode(key), cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue && found.Value is { } e ? Read(e) : null;
    }

    private static OutboxEntry Read(TableEntity e) =>
        new(e.GetString("Key"), e.GetString("MessageId"), Enum.Parse<OutboxState>(e.GetString("State"), ignoreCase: false), e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue);

    /// <summary>A stable Message-ID for a key: the same notice always carries the same one.</summary>
    public static string MessageIdFor(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
        return string.Create(CultureInfo.InvariantCulture, $"{hash[..32]}@collectionsfx.dunning");
    }
}
