using CollectionsFx.Domain.Insights;
using static CollectionsFx.Domain.Tests.Insights.Ar;

namespace CollectionsFx.Domain.Tests.Insights;

public sealed class ExchangeRatesTests
{
    private const string Csv = "date,currency,rate\n2026-03-06,USD,0.90\n2026-03-09,USD,0.92\n2026-03-06,GBP,1.17\n";

    private static ExchangeRates Rates() => ExchangeRates.ParseCsv("EUR", new StringReader(Csv));

    [Theory]
    [InlineData("USD", "2026-03-06", 0.90)]
    [InlineData("USD", "2026-03-07", 0.90)] // Saturday: Friday's rate
    [InlineData("USD", "2026-03-09", 0.92)]
    [InlineData("USD", "2026-03-16", 0.92)] // 7 days after the last rate
    [InlineData("GBP", "2026-03-06", 1.17)]
    [InlineData("EUR", "1999-01-01", 1.00)] // the reporting currency itself
    public void A_date_uses_its_rate_or_the_last_one_published_before_it(string currency, string date, decimal rate) =>
        Assert.Equal(rate, Rates().RateOn(currency, D(date)));

    [Theory]
    [InlineData("USD", "2026-03-17")] // 8 days after the last rate
    [InlineData("USD", "2026-03-05")] // before the first
    [InlineData("CHF", "2026-03-06")] // never published
    public void A_missing_rate_is_an_error_naming_currency_and_date(string currency, string date)
    {
        var e = Assert.Throws<MissingRateException>(() => Rates().RateOn(currency, D(date)));

        Assert.Equal((currency, D(date)), (e.Currency, e.Date));
        Assert.Contains(currency, e.Message, StringComparison.Ordinal);
        Assert.Contains(date, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoices_convert_at_their_invoice_dates_rate_and_a_missing_rate_stops_the_book()
    {
        var ar = new Ar().Customer("C1")
            .Invoice("I1", "2026-03-07", "2026-04-06", 1_000m, currency: "USD")
            .Pay("P1", "2026-03-20", 400m, allocations: ("I1", 400m));

        var values = KpiCalculator.Compute(ar.Book(Rates()), ar.Book(Rates()).Accounts, D("2026-03-31"), KpiPeriod.MonthOf(D("2026-03-31")), CostModel.Default);

        Assert.Equal(900m, values.CreditSales);
        Assert.Equal(540m, values.TotalAr); // 600 USD open at the invoice date's 0.90
        ar.Invoice("I2", "2026-03-25", "2026-04-24", 10m, currency: "USD");
        var e = Assert.Throws<MissingRateException>(() => ar.Book(Rates()));
        Assert.Equal(D("2026-03-25"), e.Date);
    }

    [Fact]
    public void A_promise_converts_at_its_invoices_date_so_a_promised_date_beyond_the_last_rate_is_no_error()
    {
        var ar = new Ar().Customer("C1").Invoice("I1", "2026-03-06", "2026-04-05", 1_000m, currency: "USD");
        ar.Add(new Domain.Ledger.PromiseRecord
        {
            Id = "PR1", CustomerId = "C1", Version = 9, ChangedAt = Noon(D("2026-03-09")), Resource = "crm",
            InvoiceIds = ["I1"], PromisedDate = D("2026-06-30"), Amount = 1_000m, Currency = "USD",
        });

        var promise = ar.Book(Rates()).Accounts.Single().Promises.Single();

        Assert.Equal(900m, promise.AmountReporting);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("day,currency,rate\n", "line 1")]
    [InlineData("date,currency,rate\n2026-03-06,USD\n", "line 2")]
    [InlineData("date,currency,rate\n2026-03-06,USD,0.9\n06.03.2026,USD,0.9\n", "line 3")]
    [InlineData("date,currency,rate\n2026-03-06,usd,0.9\n", "ISO 4217")]
    [InlineData("date,currency,rate\n2026-03-06,USD,-1\n", "positive")]
    public void Bad_rate_files_name_the_line_and_the_reason(string csv, string expected)
    {
        var e = Assert.Throws<FormatException>(() => ExchangeRates.ParseCsv("EUR", new StringReader(csv)));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
