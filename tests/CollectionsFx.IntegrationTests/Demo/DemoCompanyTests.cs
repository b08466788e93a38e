using System.Text.Json;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Cli.Demo;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Demo;

/// <summary>The demo company looks like real AR and goes through the public webhook path unchanged.</summary>
[Collection(StackCollection.Name)]
public sealed class DemoCompanyTests(StackFixture stack)
{
    private static readonly DateOnly Today = new(2026, 12, 4);

    [Fact]
    public void Default_company_has_the_size_the_product_promises_and_is_the_same_for_the_same_seed()
    {
        var events = DemoCompany.Generate(new DemoOptions(), Today);
        var again = DemoCompany.Generate(new DemoOptions(), Today);

        Assert.Equal(300, events.Count(e => e.Type == EventTypes.Customer));
        Assert.InRange(events.Count(e => e.Type == EventTypes.Invoice), 25_000, 35_000);
        Assert.Equal(events.Select(e => e.Data.ToJsonString()), again.Select(e => e.Data.ToJsonString()));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Time <= p.Second.Time), "events are ordered by time");
        Assert.All(events, e => Assert.True(DateOnly.FromDateTime(e.Time.UtcDateTime) <= Today, $"{e.Id} is in the future"));
    }

    [Fact]
    public void Company_has_every_kind_of_fact_collections_needs()
    {
        var events = DemoCompany.Generate(new DemoOptions(Customers: 120, Months: 12), Today);
        var customers = events.Where(e => e.Type == EventTypes.Customer).Select(e => e.Data).ToList();
        var payments = events.Where(e => e.Type == EventTypes.Payment).Select(e => e.Data).ToList();

        Assert.Equal(["EUR", "GBP", "USD"], customers.Select(c => c["currency"]!.GetValue<string>()).Distinct().Order());
        Assert.Equal(["midMarket", "smb", "strategic"], customers.Select(c => c["segment"]!.GetValue<string>()).Distinct().Order());
        Assert.Contains(payments, p => p["allocations"]!.AsArray().Count > 1);
        Assert.Contains(payments, p => p["amount"]!.GetValue<decimal>() > p["allocations"]!.AsArray().Sum(a => a!["amount"]!.GetValue<decimal>()));
        Assert.Contains(events, e => e.Type == EventTypes.CreditNote);
        Assert.Contains(events, e => e.Type == EventTypes.DisputeResolved && e.Data["outcome"]!.GetValue<string>() == "creditNote");
        Assert.Contains(events, e => e.Type == EventTypes.PromiseRecorded && e.Data["state"]?.GetValue<string>() == "broken");
        Assert.Contains(events, e => e.Type == EventTypes.PromiseRecorded && e.Data["state"]?.GetValue<string>() == "kept");
        Assert.Contains(events, e => e.Type == EventTypes.ContactLogged);
    }

    [Fact]
    public async Task Seeded_company_is_accepted_whole_and_leaves_paid_open_and_overdue_invoices()
    {
        var events = DemoCompany.Generate(new DemoOptions(Customers: 12, Months: 6, Seed: 3), Today);
        var secrets = new Dictionary<string, string> { ["erp"] = StackFixture.Secret, ["crm"] = StackFixture.Secret };
        using var http = new HttpClient { BaseAddress = stack.Client.BaseAddress };

        var accepted = await new DemoSeeder(http, secrets, TimeProvider.System).SeedAsync(events, sourceOverride: StackFixture.Source);

        Assert.Equal(events.Count, accepted);
        var ledger = stack.Services.GetRequiredService<ILedgerStore>();
        var invoices = new List<InvoiceState>();
        foreach (var customer in events.Where(e => e.Type == EventTypes.Customer).Select(e => e.Data["customerId"]!.GetValue<string>()))
        {
            invoices.AddRange((await ledger.LoadAsync(customer)).Invoices());
        }

        Assert.Equal(events.Count(e => e.Type == EventTypes.Invoice), invoices.Count);
        Assert.Contains(invoices, i => i.Status == InvoiceStatus.Paid);
        Assert.Contains(invoices, i => i.IsOverdue(Today));
        Assert.Contains(invoices, i => i.OpenAmount > 0 && !i.IsOverdue(Today));
        Assert.DoesNotContain(invoices, i => i.OpenAmount < 0 && i.Status != InvoiceStatus.Paid);
    }

    [Fact]
    public async Task Seeded_company_with_its_rates_gives_kpis_in_eur_dunning_effectiveness_and_gaps()
    {
        // Seeded through the webhook, then the snapshot refreshed after the last commit (a count reached early may be partial).
        var (app, client) = await stack.StartDemoHostAsync(new DemoOptions(Customers: 30, Months: 6, Seed: 5));
        await using (app)
        {
            using (client)
            {
                var kpis = await (await client.GetAsync($"/api/kpis?groupBy=segment&asOf={Today:yyyy-MM-dd}")).JsonAsync();
                var gaps = await (await client.GetAsync($"/api/gaps?asOf={Today:yyyy-MM-dd}")).JsonAsync();

                var groups = kpis.GetProperty("groups").EnumerateArray().ToList();
                Assert.Equal(["MidMarket", "Smb", "Strategic"], groups.Select(g => g.GetProperty("key").GetString()).Order());
                Assert.All(groups, g => Assert.True(g.GetProperty("values").GetProperty("totalAr").GetDecimal() > 0));
                var trend = await (await client.GetAsync($"/api/kpis/trend?asOf={Today:yyyy-MM-dd}&months=3")).JsonAsync();
                Assert.Contains(trend.GetProperty("points").EnumerateArray(), p => p.GetProperty("groups")[0].GetProperty("values").GetProperty("dunning")[0].TryGetProperty("share", out _));
                Assert.True(gaps.GetProperty("total").GetInt32() > 0);
            }
        }
    }
}
