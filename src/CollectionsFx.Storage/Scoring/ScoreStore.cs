using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CollectionsFx.Contracts;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.Storage.Scoring;

/// <summary>
/// Scores in Tables: PK = customer (as the ledger), RK = invoice; upserted, so a retried batch writes the same rows and the
/// newest run wins. Batches of at most 100 rows of one customer; customers in parallel.
/// </summary>
public sealed class ScoreStore(TableClient table)
{
    /// <summary>Customers whose transactions are sent at once.</summary>
    public const int Parallelism = 8;

    /// <summary>Row key of a customer's roll-up (sorts after every invoice id the key encoding can produce).</summary>
    public const string CustomerRow = "~customer";

    /// <summary>Writes invoice scores and customer roll-ups, grouped by customer in transactions of at most 100.</summary>
    public async Task UpsertAsync(IEnumerable<InvoiceScore> scores, IEnumerable<CustomerScore>? customers = null, CancellationToken cancellationToken = default)
    {
        var rollups = (customers ?? []).ToDictionary(c => c.CustomerId, StringComparer.Ordinal);
        var rows = scores.GroupBy(s => s.CustomerId).Select(g => (g.Key, Rows: g.Select(Entity).ToList())).ToList();
        foreach (var missing in rollups.Keys.Except(rows.Select(r => r.Key), StringComparer.Ordinal).ToList())
        {
            rows.Add((missing, []));
        }

        // Customers are partitions of their own: their transactions go in parallel.
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (row, ct) =>
        {
            var (customer, entities) = row;
            if (rollups.TryGetValue(customer, out var rollup))
            {
                entities.Add(Entity(rollup));
            }

            foreach (var chunk in entities.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>The newest likelihood of every scored invoice (one query over all customers).</summary>
    public async Task<IReadOnlyDictionary<string, double>> AllLikelihoodsAsync(CancellationToken cancellationToken = default)
    {
        var all = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey ne {CustomerRow}"), select: ["InvoiceId", "Likelihood"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                all[e.GetString("InvoiceId")] = e.GetDouble("Likelihood") ?? 0;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: nothing scored.
        }

        return all;
    }

    /// <summary>A customer's roll-up from the newest run, or null.</summary>
    public async Task<CustomerScore?> CustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        try
        {
            var e = (await table.GetEntityAsync<TableEntity>(TableKey.Encode(customerId), CustomerRow, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new CustomerScore(
                e.GetString("CustomerId"), e.GetDouble("Likelihood") ?? 0, e.GetString("RiskBand"), decimal.Parse(e.GetString("ValueAtStake"), CultureInfo.InvariantCulture),
                decimal.Parse(e.GetString("OverdueAmount"), CultureInfo.InvariantCulture), e.GetString("ModelVersion"), e.GetString("RunId"),
                DateOnly.ParseExact(e.GetString("AsOf"), "yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The scores of one customer's invoices.</summary>
    public async Task<IReadOnlyList<InvoiceScore>> ForCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var list = new List<InvoiceScore>();
        try
        {
            await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(customerId)} and RowKey ne {CustomerRow}"), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                list.Add(new InvoiceScore(
                    e.GetString("CustomerId"), e.GetString("InvoiceId"), e.GetDouble("Likelihood") ?? 0, e.GetString("RiskBand"), e.GetString("ModelVersion"), e.GetString("RunId"),
                    DateOnly.ParseExact(e.GetString("AsOf"), "yyyy-MM-dd", CultureInfo.InvariantCulture), decimal.Parse(e.GetString("OpenAmount"), CultureInfo.InvariantCulture),
                    JsonSerializer.Deserialize<List<string>>(e.GetString("Reasons") ?? "[]") ?? [],
                    e.GetString("ExpectedPayDate") is { } pay ? DateOnly.ParseExact(pay, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: no scores.
        }

        return list;
    }

    /// <summary>The row of an invoice score (public for the benchmark that writes the same rows raw).</summary>
    public static TableEntity Entity(InvoiceScore s) => new(TableKey.Encode(s.CustomerId), TableKey.Encode(s.InvoiceId))
    {
        ["CustomerId"] = s.CustomerId,
        ["InvoiceId"] = s.InvoiceId,
        ["Likelihood"] = s.Likelihood,
        ["RiskBand"] = s.RiskBand,
        ["ModelVersion"] = s.ModelVersion,
        ["RunId"] = s.RunId,
        ["AsOf"] = s.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["OpenAmount"] = s.OpenAmount.ToString(CultureInfo.InvariantCulture),
        ["Reasons"] = JsonSerializer.Serialize(s.Reasons),
        ["ExpectedPayDate"] = s.ExpectedPayDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    /// <summary>The roll-up row of a customer.</summary>
    public static TableEntity Entity(CustomerScore c) => new(TableKey.Encode(c.CustomerId), CustomerRow)
    {
        ["CustomerId"] = c.CustomerId,
        ["Likelihood"] = c.Likelihood,
        ["RiskBand"] = c.RiskBand,
        ["ValueAtStake"] = c.ValueAtStake.ToString(CultureInfo.InvariantCulture),
        ["OverdueAmount"] = c.OverdueAmount.ToString(CultureInfo.InvariantCulture),
        ["ModelVersion"] = c.ModelVersion,
        ["RunId"] = c.RunId,
        ["AsOf"] = c.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
}
