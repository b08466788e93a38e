using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.Storage.Scoring;

/// <summary>The score of one open invoice from one run.</summary>
public sealed record InvoiceScore(string CustomerId, string InvoiceId, double Likelihood, string RiskBand, string ModelVersion, string RunId, DateOnly AsOf, decimal OpenAmount, IReadOnlyList<string> Reasons);

/// <summary>
/// Scores in Tables: PK = customer (as the ledger), RK = invoice; upserted, so a retried batch writes the same rows and the
/// newest run wins. Batches of at most 100 rows of one customer.
/// </summary>
public sealed class ScoreStore(TableClient table)
{
    /// <summary>Writes scores, grouped by customer in transactions of at most 100.</summary>
    public async Task UpsertAsync(IEnumerable<InvoiceScore> scores, CancellationToken cancellationToken = default)
    {
        foreach (var customer in scores.GroupBy(s => s.CustomerId))
        {
            foreach (var chunk in customer.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(s => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity(s))), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The scores of one customer's invoices.</summary>
    public async Task<IReadOnlyList<InvoiceScore>> ForCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var list = new List<InvoiceScore>();
        try
        {
            await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(customerId)}"), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                list.Add(new InvoiceScore(
                    e.GetString("CustomerId"), e.GetString("InvoiceId"), e.GetDouble("Likelihood") ?? 0, e.GetString("RiskBand"), e.GetString("ModelVersion"), e.GetString("RunId"),
                    DateOnly.ParseExact(e.GetString("AsOf"), "yyyy-MM-dd", CultureInfo.InvariantCulture), decimal.Parse(e.GetString("OpenAmount"), CultureInfo.InvariantCulture),
                    JsonSerializer.Deserialize<List<string>>(e.GetString("Reasons") ?? "[]") ?? []));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: no scores.
        }

        return list;
    }

    private static TableEntity Entity(InvoiceScore s) => new(TableKey.Encode(s.CustomerId), TableKey.Encode(s.InvoiceId))
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
    };
}
