using Azure.Data.Tables;

namespace CollectionsFx.Storage.Connectors;

/// <summary>Per connector and entity set, the change time up to which records are committed (table <c>{prefix}connectors</c>).</summary>
public sealed class WatermarkStore(TableClient table)
{
    /// <summary>The watermark, or null before the first pull.</summary>
    public async Task<DateTimeOffset?> GetAsync(string connector, string entitySet, CancellationToken cancellationToken = default)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(connector, entitySet, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetDateTimeOffset("Watermark") : null;
    }

    /// <summary>Moves the watermark forward (never back).</summary>
    public async Task AdvanceAsync(string connector, string entitySet, DateTimeOffset watermark, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(connector, entitySet, cancellationToken).ConfigureAwait(false) is { } current && current >= watermark)
        {
            return;
        }

        await table.UpsertEntityAsync(new TableEntity(connector, entitySet) { ["Watermark"] = watermark }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
