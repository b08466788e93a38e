using System.Text.Json.Nodes;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>
/// A book sent through the webhook by the fault tests: <see cref="Customers"/> customers tagged <c>K{tag}-{n}</c>, each with
/// its invoices (amounts 101, 102, …) in batches of ten events with fixed CloudEvent ids, and its reconciliation against the
/// storage itself: every invoice in the ledger once, its creation in the event log once, the amounts the sum sent.
/// </summary>
internal sealed class WebhookBook(string tag, int customers = 20, int invoicesPerCustomer = 15)
{
    private const int BatchSize = 10;

    public int Customers => customers;

    /// <summary>The batches, in order (a customer's master data before its invoices).</summary>
    public List<string> Batches()
    {
        var events = new List<(string Type, JsonObject Data, string? Id)>();
        for (var c = 0; c < customers; c++)
        {
            var customer = Customer(c);
            events.Add((EventTypes.Customer, Events.Customer(customer), $"{customer}-master"));
            for (var i = 1; i <= invoicesPerCustomer; i++)
            {
                events.Add((EventTypes.Invoice, Events.Invoice($"{customer}-I{i}", customer, 100m + i), $"{customer}-I{i}-v1"));
            }
        }

        return [.. events.Chunk(BatchSize).Select(chunk => Events.Batch(chunk))];
    }

    public string Customer(int n) => $"K{tag}-{n}";

    /// <summary>Asserts that the storage under <paramref name="prefix"/> holds the book exactly once.</summary>
    public async Task AssertReconciledAsync(string connectionString, string prefix)
    {
        var ledger = new TableLedgerStore(StorageLayout.Create(new StorageOptions { ConnectionString = connectionString, Prefix = prefix }).Ledger, TimeProvider.System);
        for (var c = 0; c < customers; c++)
        {
            var customer = Customer(c);
            var invoices = (await ledger.LoadAsync(customer)).Records.OfType<InvoiceRecord>().ToList();
            Assert.Equal(invoicesPerCustomer, invoices.Count);
            Assert.Equal(Enumerable.Range(1, invoicesPerCustomer).Sum(i => 100m + i), invoices.Sum(i => i.Amount));
            var created = new List<string>();
            await foreach (var e in ledger.ReadLogAsync(customer))
            {
                if (e.Activity == Activities.CreateInvoice)
                {
                    created.Add(e.CaseId);
                }
            }

            Assert.Equal(invoicesPerCustomer, created.Count);
            Assert.Equal(invoicesPerCustomer, created.Distinct().Count());
        }
    }
}
