using CollectionsFx.Domain.Forecast;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Tests.Insights;
using CollectionsFx.Domain.Tests.Scoring;
using FsCheck;
using FsCheck.Xunit;
using static CollectionsFx.Domain.Tests.Insights.Ar;

namespace CollectionsFx.Domain.Tests.Forecast;

public sealed class CashForecastTests
{
    private static readonly ForecastOptions Exact = new() { PriorStrength = 0 };

    [Theory]
    [InlineData(0, 0.0, 0)]
    [InlineData(4, -3.0, 1)]
    [InlineData(4, 0.0, 1)]
    [InlineData(4, 7.0, 2)]
    [InlineData(4, 15.0, 3)]
    [InlineData(4, 16.0, 4)]
    [InlineData(4, 60.0, 5)]
    [InlineData(4, 61.0, 6)]
    public void A_customer_is_classed_by_its_mean_days_late(int settled, double meanDaysLate, int expected) =>
        Assert.Equal(expected, PaymentCurve.CustomerClass(settled, meanDaysLate));

    [Theory]
    [InlineData(-400, 0)]
    [InlineData(-56, 0)]
    [InlineData(-49, 1)]
    [InlineData(-1, 7)]
    [InlineData(0, 8)]
    [InlineData(6, 8)]
    [InlineData(7, 9)]
    [InlineData(125, 25)]
    [InlineData(900, 25)]
    public void Ages_are_weeks_past_due_with_open_ends(int daysPastDue, int bucket) =>
        Assert.Equal(bucket, PaymentCurve.AgeBucket(daysPastDue));

    [Fact]
    public void The_curve_is_cash_paid_in_the_week_over_the_amount_open_at_its_start()
    {
        // Week starts are the cutoff minus whole weeks: 4 Jan … 8 Feb are open at their start (15 Feb is after clearing).
        var book = new Ar().Customer("C1")
            .Invoice("I1", "2026-01-01", "2026-01-31", 100m).Pay("P1", "2026-02-10", 100m, allocations: ("I1", 100m))
            .Book();

        var curve = PaymentCurve.Fit(book, D("2026-03-01"), Exact);

        Assert.Equal(6, curve.Observations);
        Assert.Equal(100.0 / 600, curve.OverallRate, 12);
        Assert.Equal(1.0, curve.WeeklyRate(0, 8)); // the week from 8 Feb (8 days past due) paid everything
        Assert.Equal(0.0, curve.WeeklyRate(0, 1)); // the week from 1 Feb paid nothing
    }

    [Fact]
    public void A_week_that_ends_after_the_cutoff_is_not_learnt_from()
    {
        var book = new Ar().Customer("C1")
            .Invoice("I1", "2026-01-01", "2026-01-31", 100m).Pay("P1", "2026-02-10", 100m, allocations: ("I1", 100m))
            .Book();

        // Cutoff 10 Feb: the newest week starts 3 Feb and ends 10 Feb, so the payment of 10 Feb is in it; cutoff 9 Feb: it is not.
        Assert.Equal(1.0, PaymentCurve.Fit(book, D("2026-02-10"), Exact).WeeklyRate(0, 3));
        Assert.Equal(0.0, PaymentCurve.Fit(book, D("2026-02-09"), Exact).OverallRate);
    }

    [Fact]
    public void A_cell_without_observations_takes_its_ages_rate_and_sparse_cells_are_shrunk()
    {
        var book = new Ar().Customer("C1")
            .Invoice("I1", "2026-01-01", "2026-01-31", 100m).Pay("P1", "2026-02-10", 100m, allocations: ("I1", 100m))
            .Book();
        var options = new ForecastOptions { PriorStrength = 20 };

        var curve = PaymentCurve.Fit(book, D("2026-03-01"), options);

        var prior = 20 * (600.0 / 6);
        var ageRate = (100 + (prior * (100.0 / 600))) / (100 + prior);
        Assert.Equal(ageRate, curve.WeeklyRate(6, 8), 12); // no customer of class 6 was ever 8 days past due
        Assert.Equal((100 + (prior * ageRate)) / (100 + prior), curve.WeeklyRate(0, 8), 12);
    }

    [Theory]
    [InlineData(0.5, new[] { 0.5, 0.25, 0.125 })]
    [InlineData(1.0, new[] { 1.0, 0.0, 0.0 })]
    [InlineData(0.0, new[] { 0.0, 0.0, 0.0 })]
    public void Week_shares_apply_each_weeks_rate_to_what_is_still_open(double rate, double[] expected)
    {
        // One invoice that paid `rate` of its amount in each of many weeks teaches a constant rate (shrinkage off).
        var ar = new Ar().Customer("C1").Invoice("I1", "2025-01-01", "2025-01-31", 1_000_000m);
        var open = 1_000_000m;
        for (var week = 0; week < 60 && rate > 0; week++)
        {
            var pay = Math.Round(open * (decimal)rate, 6);
            open -= pay;
            ar.Pay("P" + week, D("2025-01-01").AddDays((7 * week) + 3).ToString("yyyy-MM-dd"), pay, allocations: ("I1", pay));
        }

        var curve = PaymentCurve.Fit(ar.Book(), D("2025-01-01").AddDays(7 * 8), Exact);
        var shares = curve.WeekShares(0, 0, 3);

        Assert.Equal(expected, shares.Select(s => Math.Round(s, 6)));
    }

    [Fact]
    public void The_forecast_converts_at_the_rate_of_its_date_keeps_invoice_currencies_and_accounts_for_every_open_euro()
    {
        var rates = new ExchangeRates("EUR", [new ExchangeRate(D("2026-02-25"), "USD", 0.4m), new ExchangeRate(D("2026-03-01"), "USD", 0.5m)]);
        var ar = new Ar().Customer("C1").Customer("C2");
        for (var k = 0; k < 30; k++)
        {
            // History: customers pay 10 days after the due date.
            var issue = D("2025-06-01").AddDays(7 * k);
            ar.Invoice("H" + k, Iso(issue), Iso(issue.AddDays(30)), 100m, k % 2 == 0 ? "C1" : "C2")
              .Pay("PH" + k, Iso(issue.AddDays(40)), 100m, k % 2 == 0 ? "C1" : "C2", allocations: ("H" + k, 100m));
        }

        ar.Invoice("E1", "2026-02-20", "2026-03-10", 1_000m, "C1").Invoice("U1", "2026-02-25", "2026-03-20", 4_000m, "C2", currency: "USD");
        var book = ar.Book(rates);
        var asOf = D("2026-03-01");

        var forecast = CashForecaster.Forecast(book, asOf, PaymentCurve.Fit(book, asOf, new ForecastOptions()), rates, new ForecastOptions());

        Assert.Equal(2, forecast.Invoices);
        Assert.Equal(3_000m, forecast.Reporting.Open); // 1,000 EUR + 4,000 USD × 0.5 (the rate of the forecast date, not 0.4 of the invoice date)
        Assert.Equal(["EUR", "USD"], forecast.Currencies.Select(c => c.Currency).Order());
        Assert.Equal(4_000m, forecast.Currencies.Single(c => c.Currency == "USD").Open);
        foreach (var currency in forecast.Currencies.Append(forecast.Reporting))
        {
            Assert.InRange(currency.Weeks.Sum(w => w.Expected) + currency.BeyondHorizon - currency.Open, -1m, 1m);
            Assert.All(currency.Weeks, w => Assert.True(w.P10 <= w.P50 && w.P50 <= w.P90 && w.P10 >= 0, $"week {w.Week}: {w.P10} {w.P50} {w.P90}"));
        }

        Assert.Equal((D("2026-03-02"), D("2026-03-08")), (forecast.Reporting.Weeks[0].Start, forecast.Reporting.Weeks[0].End));

        // The history says 10 days late: the euro invoice due 10 March is expected mostly in the week of 16-22 March (week 3).
        var eur = forecast.Currencies.Single(c => c.Currency == "EUR").Weeks;
        Assert.Equal(3, eur.MaxBy(w => w.Expected)!.Week);
        var usd = forecast.Currencies.Single(c => c.Currency == "USD").Weeks;
        Assert.All(forecast.Reporting.Weeks, w => Assert.InRange(w.Expected - (eur[w.Week - 1].Expected + (usd[w.Week - 1].Expected * 0.5m)), -0.02m, 0.02m));
    }

    [Fact]
    public void The_band_is_reproducible_from_its_seed_and_moves_with_it()
    {
        var (records, _) = FeatureTests.History(11, 0);
        var book = FeatureTests.Book(records);
        var asOf = D("2026-04-15");
        var curve = PaymentCurve.Fit(book, asOf, new ForecastOptions());
        var rates = new ExchangeRates("EUR");

        var a = CashForecaster.Forecast(book, asOf, curve, rates, new ForecastOptions { Draws = 300 });
        var b = CashForecaster.Forecast(book, asOf, curve, rates, new ForecastOptions { Draws = 300 });
        var c = CashForecaster.Forecast(book, asOf, curve, rates, new ForecastOptions { Draws = 300, Seed = 8 });

        Assert.Equal(a.Reporting.Weeks, b.Reporting.Weeks);
        Assert.NotEqual(a.Reporting.Weeks.Select(w => w.P90), c.Reporting.Weeks.Select(w => w.P90));
        Assert.Equal(a.Reporting.Weeks.Select(w => w.Expected), c.Reporting.Weeks.Select(w => w.Expected));
    }

    [Fact]
    public void A_customer_moves_as_one_so_a_single_customers_band_is_all_or_nothing_per_week()
    {
        // Two equal invoices of one customer with the same due date: in every simulated future both land in the same week.
        var ar = new Ar().Customer("C1").Invoice("A", "2026-02-01", "2026-03-03", 500m).Invoice("B", "2026-02-01", "2026-03-03", 500m);
        for (var k = 0; k < 20; k++)
        {
            // History: paid three days after due, so most of the amount comes in the week around the due date.
            var issue = D("2025-06-02").AddDays(7 * k);
            ar.Invoice("H" + k, Iso(issue), Iso(issue.AddDays(30)), 100m).Pay("PH" + k, Iso(issue.AddDays(33)), 100m, allocations: ("H" + k, 100m));
        }

        var book = ar.Book();
        var asOf = D("2026-03-01");

        var forecast = CashForecaster.Forecast(book, asOf, PaymentCurve.Fit(book, asOf, new ForecastOptions()), new ExchangeRates("EUR"), new ForecastOptions { Draws = 400 });

        Assert.All(forecast.Reporting.Weeks, w => Assert.All(new[] { w.P10, w.P50, w.P90 }, v => Assert.True(v is 0m or 1_000m, $"week {w.Week}: {v}")));
        Assert.Contains(forecast.Reporting.Weeks, w => w.P90 == 1_000m);
    }

    [Fact]
    public void The_backtest_beats_the_due_date_baseline_when_customers_pay_late_and_matches_it_when_they_pay_on_due()
    {
        var late = Population(daysLate: 20);
        var onDue = Population(daysLate: 0);
        var origins = ForecastBacktester.Origins(D("2026-06-01"), 8, 13);
        var options = new ForecastOptions { Draws = 200 };

        var lateResult = ForecastBacktester.Run(_ => late, late, origins, new ExchangeRates("EUR"), options);
        var onDueResult = ForecastBacktester.Run(_ => onDue, onDue, origins, new ExchangeRates("EUR"), options);

        Assert.Equal(8, lateResult.Origins.Count);
        Assert.Equal(13, lateResult.ByHorizon.Count);
        Assert.True(lateResult.Wape < 0.2, $"model WAPE {lateResult.Wape}");
        Assert.True(lateResult.BaselineWape > 0.5, $"baseline WAPE {lateResult.BaselineWape}");
        Assert.Equal(0.0, onDueResult.BaselineWape);
        Assert.True(onDueResult.Wape < 0.2, $"model WAPE {onDueResult.Wape}");
        Assert.Equal(D("2026-06-01").AddDays(-91), origins[^1]);
        Assert.All(lateResult.ByHorizon, w => Assert.Equal(w.Actual, lateResult.Origins.Sum(o => o.Actual[w.Week - 1])));
    }

    [Theory]
    [InlineData(new[] { 100.0, 50.0 }, new[] { 100.0, 100.0 }, 0.25)]
    [InlineData(new[] { 0.0, 0.0 }, new[] { 10.0, 30.0 }, 1.0)]
    [InlineData(new[] { 10.0 }, new[] { 10.0 }, 0.0)]
    public void Wape_is_absolute_error_over_actual(double[] forecast, double[] actual, double expected) =>
        Assert.Equal(expected, ForecastBacktester.Wape(forecast.Zip(actual, (f, a) => ((decimal)f, (decimal)a))));

    [Fact]
    public void Wape_is_undefined_when_no_cash_came_in() => Assert.Null(ForecastBacktester.Wape([(5m, 0m)]));

    /// <summary>Leakage: a forecast made on D from the book that knows everything equals the one from the book known on D.</summary>
    [Property(MaxTest = 60)]
    public bool The_forecast_as_of_a_date_does_not_change_when_later_events_are_added(PositiveInt seed, PositiveInt day)
    {
        var (all, asOf) = FeatureTests.History(seed.Get, day.Get);
        var known = all.Where(r => FeatureTests.Business(r) <= asOf).ToList();
        var options = new ForecastOptions { Draws = 50 };

        var full = FeatureTests.Book(all);
        var then = FeatureTests.Book(known);
        var a = CashForecaster.Forecast(full, asOf, PaymentCurve.Fit(full, asOf, options), new ExchangeRates("EUR"), options);
        var b = CashForecaster.Forecast(then, asOf, PaymentCurve.Fit(then, asOf, options), new ExchangeRates("EUR"), options);

        return a.Reporting.Weeks.SequenceEqual(b.Reporting.Weeks) && a.Invoices == b.Invoices;
    }

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Twenty customers invoicing every week for two years on 30-day terms, each paying exactly <paramref name="daysLate"/> after due.</summary>
    private static ArBook Population(int daysLate)
    {
        var ar = new Ar();
        var start = D("2024-06-03");
        for (var c = 0; c < 20; c++)
        {
            var customer = "C" + c;
            ar.Customer(customer);
            for (var w = 0; w < 104; w++)
            {
                var issue = start.AddDays((7 * w) + c % 7);
                var id = $"{customer}-{w}";
                var amount = 1_000m + (c * 37) + (w % 5 * 100);
                ar.Invoice(id, Iso(issue), Iso(issue.AddDays(30)), amount, customer)
                  .Pay("P" + id, Iso(issue.AddDays(30 + daysLate)), amount, customer, allocations: (id, amount));
            }
        }

        return ar.Book();
    }
}
