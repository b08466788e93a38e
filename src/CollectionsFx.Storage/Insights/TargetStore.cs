using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.Storage.Insights;

/// <summary>
/// A KPI target for one group: <see cref="Scope"/> is the dimension (none, company, segment, country, collector, customer)
/// and <see cref="Key"/> the group's value, the same keys the KPI endpoint groups by.
/// </summary>
public sealed record KpiTarget(string Kpi, string Scope, string Key, decimal Value, string SetBy, DateTimeOffset SetAt, string? Note = null);

/// <summary>
/// Targets in Azure Tables: partition = KPI, one current row per scope and group (<c>c|scope|key</c>) and an append-only
/// history row per change (<c>h|scope|key|inverted ticks</c>, newest first), so "who set it, when, and what it was" is kept.
/// </summary>
public sealed class TargetStore(TableClient table)
{
    /// <summary>Sets a target and records the change in its history, in one transaction.</summary>
    public async Task SetAsync(KpiTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var pk = TableKey.Encode(target.Kpi);
        var group = TableKey.Encode(target.Scope) + "|" + TableKey.Encode(target.Key);
        var inverted = (DateTimeOffset.MaxValue.UtcTicks - target.SetAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
        await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity(pk, "c|" + group, target)),
                new TableTransactionAction(TableTransactionActionType.Add, Entity(pk, "h|" + group + "|" + inverted, target)),
            ],
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The current targets, of one KPI or all.</summary>
    public async Task<IReadOnlyList<KpiTarget>> ListAsync(string? kpi = null, CancellationToken cancellationToken = default)
    {
        var filter = kpi is null
            ? TableClient.CreateQueryFilter($"RowKey ge {"c|"} and RowKey lt {"c}"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(kpi)} and RowKey ge {"c|"} and RowKey lt {"c}"}");
        return await ReadAsync(filter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every value a group's target had, newest first.</summary>
    public async Task<IReadOnlyList<KpiTarget>> HistoryAsync(string kpi, string scope, string key, CancellationToken cancellationToken = default)
    {
        var prefix = "h|" + TableKey.Encode(scope) + "|" + TableKey.Encode(key) + "|";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(kpi)} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
        return await ReadAsync(filter, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<KpiTarget>> ReadAsync(string filter, CancellationToken ct)
    {
        var list = new List<KpiTarget>();
        try
        {
            await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            {
                list.Add(new KpiTarget(
                    e.GetString("Kpi"), e.GetString("Scope"), e.GetString("Key"),
                    decimal.Parse(e.GetString("Value"), NumberStyles.Number, CultureInfo.InvariantCulture),
                    e.GetString("SetBy"), e.GetDateTimeOffset("SetAt") ?? default, e.GetString("Note")));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: no targets.
        }

        return list;
    }

    private static TableEntity Entity(string pk, string rk, KpiTarget t) => new(pk, rk)
    {
        ["Kpi"] = t.Kpi,
        ["Scope"] = t.Scope,
        ["Key"] = t.Key,

        // Decimal as invariant text: Tables has no decimal type and a double would round money.
        ["Value"] = t.Value.ToString(CultureInfo.InvariantCulture),
        ["SetBy"] = t.SetBy,
        ["SetAt"] = t.SetAt,
        ["Note"] = t.Note,
    };
}
