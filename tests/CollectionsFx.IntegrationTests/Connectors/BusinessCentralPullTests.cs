using System.Text.Json.Nodes;
using CollectionsFx.Api.Jobs;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Connectors;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CollectionsFx.IntegrationTests.Connectors;

/// <summary>The Business Central pull against WireMock.Net serving payloads shaped like the real API v2.0.</summary>
[Collection(StackCollection.Name)]
public sealed class BusinessCentralPullTests(StackFixture stack) : IDisposable
{
    private const string Company = "/v2.0/contoso/production/api/v2.0/companies(5d115c9c-44e3-ea11-bb43-000d3a2feca1)";
    private readonly WireMockServer bc = WireMockServer.Start();

    public void Dispose() => bc.Stop();

    private (ErpPullService Pull, ILedgerStore Ledger, WatermarkStore Watermarks, StorageLayout Layout) Build()
    {
        var layout = StorageLayout.Create(new StorageOptions { ConnectionString = stack.Azurite.ConnectionString, Prefix = AzuriteFixture.NewPrefix() });
        layout.EnsureCreatedAsync().GetAwaiter().GetResult();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Connectors:BusinessCentral:BaseUrl"] = bc.Url + Company + "/",
            ["Connectors:BusinessCentral:PageSize"] = "3",
            ["Connectors:BusinessCentral:RetryDelay"] = "00:00:00.020",
            ["Connectors:BusinessCentral:MaxRetries"] = "3",
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(config)
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(layout)
            .AddSingleton<ILedgerStore>(new TableLedgerStore(layout.Ledger, TimeProvider.System))
            .AddSingleton<IDeadLetterStore>(new BlobDeadLetterStore(layout.DeadLetters))
            .AddConnectors()
            .AddSingleton<ErpPullService>()
            .BuildServiceProvider();
        return (services.GetRequiredService<ErpPullService>(), services.GetRequiredService<ILedgerStore>(), services.GetRequiredService<WatermarkStore>(), layout);
    }

    private static JsonObject Customer(string number, string modified, string? terms = "T14", string blocked = " ") => new()
    {
        ["id"] = Guid.NewGuid().ToString(), ["number"] = number, ["displayName"] = "Customer " + number, ["type"] = "Company",
        ["email"] = $"ap@{number}.example", ["currencyCode"] = "", ["country"] = "DE", ["paymentTermsId"] = terms, ["creditLimit"] = 50000,
        ["blocked"] = blocked, ["lastModifiedDateTime"] = modified,
    };

    private static JsonObject Invoice(string number, string customer, decimal total, decimal remaining, string status, string modified, string? due = "2026-11-30") => new()
    {
        ["id"] = Guid.NewGuid().ToString(), ["number"] = number, ["externalDocumentNumber"] = "", ["invoiceDate"] = "2026-10-31",
        ["postingDate"] = "2026-10-31", ["dueDate"] = due, ["customerId"] = Guid.NewGuid().ToString(), ["customerNumber"] = customer,
        ["currencyCode"] = customer == "30000" ? "USD" : "", ["totalAmountIncludingTax"] = total, ["remainingAmount"] = remaining,
        ["status"] = status, ["lastModifiedDateTime"] = modified,
    };

    private static string Page(string? next, params JsonObject[] values)
    {
        var page = new JsonObject { ["@odata.context"] = "https://api.businesscentral.dynamics.com/v2.0/$metadata#companies/customers", ["value"] = new JsonArray(values) };
        if (next is not null)
        {
            page["@odata.nextLink"] = next;
        }

        return page.ToJsonString();
    }

    private void Serve(string set, string firstPage, string? secondPage = null)
    {
        bc.Given(Request.Create().WithPath(Company + "/" + set).UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json; odata.metadata=minimal").WithBody(firstPage));
        if (secondPage is not null)
        {
            bc.Given(Request.Create().WithPath(Company + "/" + set).WithParam("$skiptoken", "page2").UsingGet()).AtPriority(1)
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(secondPage));
        }
    }

    private string Next(string set) => $"{bc.Url}{Company}/{set}?$skiptoken=page2";

    private void ServeCompany(bool failSecondInvoicePage = false)
    {
        Serve("paymentTerms", Page(null, new JsonObject { ["id"] = "T14", ["code"] = "14 DAYS", ["dueDateCalculation"] = "14D" }, new JsonObject { ["id"] = "T1M", ["dueDateCalculation"] = "1M" }));
        Serve("customers",
            Page(Next("customers"), Customer("10000", "2026-11-01T08:00:00Z"), Customer("20000", "2026-11-02T08:00:00Z", "T1M", "Invoice"), Customer("30000", "2026-11-03T08:00:00Z", null)),
            Page(null, Customer("40000", "2026-11-04T08:00:00Z")));
        var secondInvoices = Page(null,
            Invoice("103004", "20000", 100m, 40m, "Open", "2026-11-20T10:00:00Z"),
            Invoice("103005", "20000", 80m, 80m, "Canceled", "2026-11-21T10:00:00Z"),
            Invoice("103006", "20000", 80m, 80m, "Open", "2026-11-22T10:00:00Z", due: null));
        Serve("salesInvoices",
            Page(Next("salesInvoices"),
                Invoice("103001", "10000", 1190m, 1190m, "Open", "2026-11-10T10:00:00Z"),
                Invoice("103002", "10000", 595m, 0m, "Paid", "2026-11-11T10:00:00Z"),
                Invoice("103003", "30000", 250m, 250m, "Draft", "2026-11-12T10:00:00Z")),
            failSecondInvoicePage ? null : secondInvoices);
        if (failSecondInvoicePage)
        {
            bc.Given(Request.Create().WithPath(Company + "/salesInvoices").WithParam("$skiptoken", "page2").UsingGet()).AtPriority(1)
                .RespondWith(Response.Create().WithStatusCode(503).WithBody("""{"error":{"code":"Unavailable","message":"The service is unavailable."}}"""));
        }
    }

    [Fact]
    public async Task Pull_follows_next_links_and_maps_customers_invoices_and_settlements()
    {
        ServeCompany();
        var (pull, ledger, watermarks, _) = Build();

        var report = await pull.PullAsync(CancellationToken.None);

        Assert.Equal(new PullCounts(4, 4, 0), report.Sets["customers"]);
        Assert.Equal((6, 1), (report.Sets["salesInvoices"].Read, report.Sets["salesInvoices"].Rejected));
        var c10000 = await ledger.LoadAsync("10000");
        var customer = (CustomerRecord)c10000.Find(new EntityKey(EntityKind.Customer, "10000"))!;
        Assert.Equal(("EUR", 14, false), (customer.Currency, customer.PaymentTermsDays, customer.CreditHold));
        Assert.Equal((InvoiceStatus.Open, 1190m), (c10000.Invoice("103001")!.Status, c10000.Invoice("103001")!.OpenAmount));
        Assert.Equal(InvoiceStatus.Paid, c10000.Invoice("103002")!.Status);
        var c20000 = await ledger.LoadAsync("20000");
        Assert.True(((CustomerRecord)c20000.Find(new EntityKey(EntityKind.Customer, "20000"))!).CreditHold);
        Assert.Equal(30, ((CustomerRecord)c20000.Find(new EntityKey(EntityKind.Customer, "20000"))!).PaymentTermsDays);
        Assert.Equal((InvoiceStatus.PartiallyPaid, 40m), (c20000.Invoice("103004")!.Status, c20000.Invoice("103004")!.OpenAmount));
        Assert.Equal(InvoiceStatus.Cancelled, c20000.Invoice("103005")!.Status);
        Assert.Null(c20000.Invoice("103006"));
        Assert.Null((await ledger.LoadAsync("30000")).Invoice("103003"));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero), await watermarks.GetAsync("bc", "salesInvoices"));
    }

    [Fact]
    public async Task Second_pull_asks_only_for_changes_since_the_watermark_and_doubles_nothing()
    {
        ServeCompany();
        var (pull, ledger, _, _) = Build();
        await pull.PullAsync(CancellationToken.None);
        var logBefore = await CountLogAsync(ledger, "10000");
        bc.ResetLogEntries();

        var second = await pull.PullAsync(CancellationToken.None);

        Assert.Equal(0, second.Sets["customers"].Applied + second.Sets["salesInvoices"].Applied);
        Assert.Equal(logBefore, await CountLogAsync(ledger, "10000"));
        var invoiceRequest = bc.LogEntries.Select(e => e.RequestMessage).First(r => r.Path.EndsWith("/salesInvoices", StringComparison.Ordinal) && r.Query!.ContainsKey("$filter"));
        Assert.Equal("lastModifiedDateTime ge 2026-11-22T10:00:00.000Z", invoiceRequest.Query!["$filter"].Single());
        Assert.Equal("odata.maxpagesize=3", invoiceRequest.Headers!["Prefer"].Single());
    }

    [Fact]
    public async Task Throttling_429_with_retry_after_and_a_503_are_retried()
    {
        ServeCompany();
        bc.Given(Request.Create().WithPath(Company + "/customers").UsingGet()).InScenario("throttle").WillSetStateTo("busy").AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithBody("""{"error":{"code":"TooManyRequests","message":"Too many requests."}}"""));
        bc.Given(Request.Create().WithPath(Company + "/customers").UsingGet()).InScenario("throttle").WhenStateIs("busy").WillSetStateTo("ok").AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(503));
        var (pull, ledger, _, _) = Build();

        var started = DateTime.UtcNow;
        var report = await pull.PullAsync(CancellationToken.None);

        Assert.Equal(4, report.Sets["customers"].Read);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "the Retry-After second was honoured");
        Assert.Equal(3, bc.LogEntries.Count(e => e.RequestMessage.Path.EndsWith("/customers", StringComparison.Ordinal) && !e.RequestMessage.Query!.ContainsKey("$skiptoken")));
        Assert.NotNull((await ledger.LoadAsync("10000")).Invoice("103001"));
    }

    [Fact]
    public async Task Crash_mid_pull_keeps_committed_pages_and_the_next_pull_loses_and_doubles_nothing()
    {
        ServeCompany(failSecondInvoicePage: true);
        var (pull, ledger, watermarks, _) = Build();

        await Assert.ThrowsAsync<HttpRequestException>(() => pull.PullAsync(CancellationToken.None));

        Assert.Equal(new DateTimeOffset(2026, 11, 12, 10, 0, 0, TimeSpan.Zero), await watermarks.GetAsync("bc", "salesInvoices"));
        Assert.NotNull((await ledger.LoadAsync("10000")).Invoice("103001"));
        Assert.Null((await ledger.LoadAsync("20000")).Invoice("103004"));

        bc.Reset();
        ServeCompany();
        await pull.PullAsync(CancellationToken.None);

        Assert.Equal(40m, (await ledger.LoadAsync("20000")).Invoice("103004")!.OpenAmount);
        var log = await ledger.ReadLogAsync("10000").CollectAsync();
        Assert.Single(log, e => e is { CaseId: "103001", Activity: Activities.CreateInvoice });
        Assert.Single(log, e => e is { CaseId: "103002", Activity: Activities.ClearInvoice });
    }

    [Fact]
    public async Task Record_the_ledger_cannot_take_is_dead_lettered_with_its_reason()
    {
        ServeCompany();
        var (pull, _, _, layout) = Build();

        await pull.PullAsync(CancellationToken.None);

        var letters = await new BlobDeadLetterStore(layout.DeadLetters).ListAsync().CollectAsync();
        var letter = Assert.Single(letters);
        Assert.Equal("bc:salesInvoices", letter.Source);
        Assert.Contains("103006", letter.Payload, StringComparison.Ordinal);
        Assert.Contains("dueDate", letter.Errors[0].Message, StringComparison.Ordinal);
    }

    private static async Task<int> CountLogAsync(ILedgerStore ledger, string customer) => (await ledger.ReadLogAsync(customer).CollectAsync()).Count;
}
