using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Mining;

/// <summary>
/// Turns the ledger's event log into a mining log: one case per invoice, with the case attributes the filters use
/// (customerId, company, segment, country, collector, amountBand). Risk bands are not case attributes: they change with
/// every scoring run, so the mining filter reads them from the scores.
/// </summary>
public static class LedgerMining
{
    /// <summary>Amount bands (reporting currency) in ascending order: a case is in the last band whose lower bound it reaches.</summary>
    public static readonly IReadOnlyList<(decimal From, string Name)> AmountBands =
    [
        (decimal.MinValue, "<1k"), (1_000m, "1k-10k"), (10_000m, "10k-100k"), (100_000m, "100k+"),
    ];

    /// <summary>Case attribute names.</summary>
    public static readonly IReadOnlyList<string> Attributes = ["customerId", "company", "segment", "country", "collector", "amountBand"];

    /// <summary>
    /// Builds the mining log of the invoice cases in <paramref name="log"/>; amounts are banded in the reporting currency of
    /// <paramref name="rates"/> at the invoice date.
    /// </summary>
    public static MiningLog Build(IEnumerable<LedgerEvent> log, ExchangeRates rates)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(rates);
        var builder = new MiningLogBuilder();
        var customers = new Dictionary<string, CustomerRecord>(StringComparer.Ordinal);
        var invoices = new Dictionary<string, InvoiceRecord>(StringComparer.Ordinal);
        foreach (var e in log)
        {
            switch (e.Record)
            {
                case CustomerRecord c when !customers.TryGetValue(c.Id, out var old) || old.Version < c.Version:
                    customers[c.Id] = c;
                    break;
                case InvoiceRecord i when !invoices.TryGetValue(i.Id, out var old) || old.Version < i.Version:
                    invoices[i.Id] = i;
                    break;
            }

            if (e.ObjectType == "invoice")
            {
                builder.Add(e.CaseId, e.Activity, e.Timestamp, e.Resource);
            }
        }

        foreach (var (id, invoice) in invoices)
        {
            var customer = customers.GetValueOrDefault(invoice.CustomerId);
            builder.SetCaseAttribute(id, "customerId", invoice.CustomerId);
            builder.SetCaseAttribute(id, "company", customer?.Company ?? ArAccount.Unassigned);
            builder.SetCaseAttribute(id, "segment", customer?.Segment.ToString() ?? ArAccount.Unassigned);
            builder.SetCaseAttribute(id, "country", customer?.Country ?? ArAccount.Unassigned);
            builder.SetCaseAttribute(id, "collector", customer?.Collector ?? ArAccount.Unassigned);
            builder.SetCaseAttribute(id, "amountBand", BandOf(invoice, rates));
        }

        return builder.Build();
    }

    /// <summary>Name of the band of invoices whose currency has no rate for their date: they are never banded as if converted at 1.0.</summary>
    public const string NoRateBand = "(no rate)";

    private static string BandOf(InvoiceRecord invoice, ExchangeRates rates)
    {
        try
        {
            return Band(rates.Convert(invoice.Amount, invoice.Currency, invoice.IssueDate));
        }
        catch (MissingRateException)
        {
            return NoRateBand;
        }
    }

    /// <summary>The amount band of an amount in the reporting currency.</summary>
    public static string Band(decimal amount) => AmountBands.Last(b => amount >= b.From).Name;
}
