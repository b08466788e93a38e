using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Mining;

namespace CollectionsFx.Domain.Forecast;

/// <summary>Expected cash-in of one week and its band (P10/P50/P90 of the simulated futures).</summary>
public sealed record ForecastWeek(int Week, DateOnly Start, DateOnly End, decimal Expected, decimal P10, decimal P50, decimal P90);

/// <summary>The forecast in one currency: the open amount it starts from, the weeks, and what is not expected within them.</summary>
public sealed record CurrencyForecast(string Currency, decimal Open, IReadOnlyList<ForecastWeek> Weeks, decimal BeyondHorizon);

/// <summary>
/// Cash-in expected from the receivables open on <see cref="AsOf"/>, week by week: in the reporting currency (at the rates
/// of <see cref="AsOf"/>) and in each invoice currency. New invoices issued later are not in it.
/// </summary>
public sealed record CashForecast(DateOnly AsOf, string ReportingCurrency, int Invoices, CurrencyForecast Reporting, IReadOnlyList<CurrencyForecast> Currencies);

/// <summary>
/// The 13-week cash forecast (ADR 008): each open invoice's expected payment week from the <see cref="PaymentCurve"/>, summed
/// per week; the band comes from simulated futures in which the invoices of one customer move together (one draw per
/// customer, so a customer who pays late pays all its invoices late), which is what makes the band wide enough.
/// </summary>
public static class CashForecaster
{
    /// <summary>Forecasts the cash-in from the invoices open on <paramref name="asOf"/> in <paramref name="book"/>.</summary>
    public static CashForecast Forecast(ArBook book, DateOnly asOf, PaymentCurve curve, ExchangeRates rates, ForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(options);
        var weeks = options.Weeks;
        var items = OpenItems(book, asOf, curve, rates, weeks, out var currencies);

        // Slot 0 is the reporting currency, slot 1 + i the i-th invoice currency.
        var slots = currencies.Count + 1;
        var expected = new double[slots, weeks];
        var open = new double[slots];
        foreach (var item in items)
        {
            open[0] += item.Reporting;
            open[1 + item.Currency] += item.Amount;
            var previous = 0.0;
            for (var k = 0; k < weeks; k++)
            {
                var share = item.Cumulative[k] - previous;
                previous = item.Cumulative[k];
                expected[0, k] += item.Reporting * share;
                expected[1 + item.Currency, k] += item.Amount * share;
            }
        }

        var draws = Simulate(items, slots, weeks, options);
        var result = new CurrencyForecast[slots];
        for (var s = 0; s < slots; s++)
        {
            var list = new ForecastWeek[weeks];
            double sum = 0;
            for (var k = 0; k < weeks; k++)
            {
                var sample = draws[s][k];
                Array.Sort(sample);
                sum += expected[s, k];
                list[k] = new ForecastWeek(
                    k + 1, asOf.AddDays((7 * k) + 1), asOf.AddDays(7 * (k + 1)), Money(expected[s, k]),
                    Money(Stats.Percentile(sample, 0.1)), Money(Stats.Percentile(sample, 0.5)), Money(Stats.Percentile(sample, 0.9)));
            }

            result[s] = new CurrencyForecast(s == 0 ? rates.ReportingCurrency : currencies[s - 1], Money(open[s]), list, Money(Math.Max(0, open[s] - sum)));
        }

        return new CashForecast(asOf, rates.ReportingCurrency, items.Count, result[0], result[1..]);
    }

    /// <summary>An open invoice as the forecast needs it: the customer it moves with, amounts, and cumulative week shares.</summary>
    private sealed record Item(int Customer, int Currency, double Amount, double Reporting, double[] Cumulative);

    private static List<Item> OpenItems(ArBook book, DateOnly asOf, PaymentCurve curve, ExchangeRates rates, int weeks, out List<string> currencies)
    {
        var items = new List<Item>();
        var currencyIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        currencies = [];
        for (var c = 0; c < book.Accounts.Count; c++)
        {
            var account = book.Accounts[c];
            PaymentCurve.CustomerRecord? record = null;
            foreach (var invoice in account.Invoices)
            {
                var amount = invoice.IsOnBook(asOf) ? invoice.OpenOn(asOf) : 0m;
                if (amount <= 0)
                {
                    continue;
                }

                record ??= new PaymentCurve.CustomerRecord(account);
                if (!currencyIndex.TryGetValue(invoice.Currency, out var ci))
                {
                    currencyIndex[invoice.Currency] = ci = currencies.Count;
                    currencies.Add(invoice.Currency);
                }

                var shares = curve.WeekShares(record.ClassBefore(asOf), asOf.DayNumber - invoice.DueDate.DayNumber, weeks);
                var cumulative = new double[weeks];
                double sum = 0;
                for (var k = 0; k < weeks; k++)
                {
                    sum += shares[k];
                    cumulative[k] = sum;
                }

                items.Add(new Item(c, ci, (double)amount, (double)(amount * rates.RateOn(invoice.Currency, asOf)), cumulative));
            }
        }

        return items;
    }

    /// <summary>
    /// Cash per slot and week in each simulated future: every customer draws one uniform number per future, and each of its
    /// invoices is paid in full in the first week whose cumulative share exceeds it (or not within the horizon).
    /// </summary>
    private static double[][][] Simulate(List<Item> items, int slots, int weeks, ForecastOptions options)
    {
        var draws = options.Draws;
        var result = new double[slots][][];
        for (var s = 0; s < slots; s++)
        {
            result[s] = new double[weeks][];
            for (var k = 0; k < weeks; k++)
            {
                result[s][k] = new double[draws];
            }
        }

        Parallel.For(0, draws, d =>
        {
            foreach (var item in items)
            {
                var u = Uniform(options.Seed, (ulong)d, (ulong)item.Customer);
                var week = Array.BinarySearch(item.Cumulative, u);
                week = week < 0 ? ~week : week + 1;
                if (week < weeks)
                {
                    // Each draw owns its column: no two threads write the same cell.
                    result[0][week][d] += item.Reporting;
                    result[1 + item.Currency][week][d] += item.Amount;
                }
            }
        });
        return result;
    }

    /// <summary>A uniform number in [0, 1) from (seed, draw, customer) by SplitMix64: the same inputs give the same future.</summary>
    internal static double Uniform(ulong seed, ulong draw, ulong customer)
    {
        var z = seed + (draw * 0x9E3779B97F4A7C15UL) + (customer * 0xD1B54A32D192ED03UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    private static decimal Money(double value) => Math.Round((decimal)value, 2);
}
