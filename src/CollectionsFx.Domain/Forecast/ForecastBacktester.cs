using CollectionsFx.Domain.Insights;

namespace CollectionsFx.Domain.Forecast;

/// <summary>One horizon week over all backtest origins: sums, WAPE of the forecast and of the due-date baseline, band coverage.</summary>
public sealed record BacktestWeek(int Week, decimal Actual, decimal Forecast, decimal Baseline, double? Wape, double? BaselineWape, double BandCoverage);

/// <summary>What was forecast at one origin and what came in, week by week (reporting currency at the origin's rates).</summary>
public sealed record BacktestOrigin(
    DateOnly Origin, int Invoices, IReadOnlyList<decimal> Actual, IReadOnlyList<decimal> Forecast, IReadOnlyList<decimal> P10, IReadOnlyList<decimal> P90, IReadOnlyList<decimal> Baseline);

/// <summary>The backtest of the cash forecast: per horizon week and overall, beside the due-date baseline.</summary>
public sealed record ForecastBacktest(string ReportingCurrency, int Weeks, double? Wape, double? BaselineWape, double BandCoverage, IReadOnlyList<BacktestWeek> ByHorizon, IReadOnlyList<BacktestOrigin> Origins);

/// <summary>
/// Replays the forecast at past dates (ADR 008). At each origin the curve learns from, and the forecast starts from, the book as
/// it was known on that date; the actual is the cash later received on the invoices open then, from the book as known now.
/// WAPE = Σ|forecast − actual| ÷ Σ actual over the origins. The baseline is what a spreadsheet does: every open invoice is paid
/// in full on its due date, and what is already overdue in the first week.
/// </summary>
public static class ForecastBacktester
{
    /// <summary>
    /// <paramref name="count"/> weekly origins, the newest <paramref name="weeks"/> weeks before <paramref name="today"/> so that
    /// every horizon week has happened; oldest first.
    /// </summary>
    public static IReadOnlyList<DateOnly> Origins(DateOnly today, int count, int weeks) =>
        [.. Enumerable.Range(0, count).Select(j => today.AddDays(-7 * (weeks + count - 1 - j)))];

    /// <summary>Runs the backtest; <paramref name="knownAt"/> gives the book as it was known on a date.</summary>
    public static ForecastBacktest Run(Func<DateOnly, ArBook> knownAt, ArBook actual, IReadOnlyList<DateOnly> origins, ExchangeRates rates, ForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(knownAt);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(origins);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(options);
        var weeks = options.Weeks;
        var now = actual.Accounts.SelectMany(a => a.Invoices).ToDictionary(i => i.Id, StringComparer.Ordinal);
        var results = new List<BacktestOrigin>();
        foreach (var origin in origins)
        {
            var book = knownAt(origin);
            var forecast = CashForecaster.Forecast(book, origin, PaymentCurve.Fit(book, origin, options), rates, options);
            var cash = new decimal[weeks];
            var baseline = new decimal[weeks];
            foreach (var invoice in book.Accounts.SelectMany(a => a.Invoices))
            {
                var open = invoice.IsOnBook(origin) ? invoice.OpenOn(origin) : 0m;
                if (open <= 0)
                {
                    continue;
                }

                var rate = rates.RateOn(invoice.Currency, origin);
                var dueWeek = Math.Max(0, (invoice.DueDate.DayNumber - origin.DayNumber - 1) / 7);
                if (dueWeek < weeks)
                {
                    baseline[dueWeek] += open * rate;
                }

                if (now.TryGetValue(invoice.Id, out var later))
                {
                    for (var k = 0; k < weeks; k++)
                    {
                        cash[k] += Math.Min(open, later.PaidBetween(origin.AddDays((7 * k) + 1), origin.AddDays(7 * (k + 1)))) * rate;
                    }
                }
            }

            var w = forecast.Reporting.Weeks;
            results.Add(new BacktestOrigin(
                origin, forecast.Invoices, [.. cash.Select(c => Math.Round(c, 2))], [.. w.Select(x => x.Expected)], [.. w.Select(x => x.P10)], [.. w.Select(x => x.P90)],
                [.. baseline.Select(b => Math.Round(b, 2))]));
        }

        var byHorizon = Enumerable.Range(0, weeks).Select(k =>
        {
            var a = results.Sum(r => r.Actual[k]);
            return new BacktestWeek(
                k + 1, a, results.Sum(r => r.Forecast[k]), results.Sum(r => r.Baseline[k]),
                Wape(results.Select(r => (r.Forecast[k], r.Actual[k]))), Wape(results.Select(r => (r.Baseline[k], r.Actual[k]))),
                results.Count == 0 ? 0 : (double)results.Count(r => r.P10[k] <= r.Actual[k] && r.Actual[k] <= r.P90[k]) / results.Count);
        }).ToList();
        var all = results.SelectMany(r => Enumerable.Range(0, weeks).Select(k => (r, k))).ToList();
        return new ForecastBacktest(
            rates.ReportingCurrency, weeks,
            Wape(all.Select(x => (x.r.Forecast[x.k], x.r.Actual[x.k]))), Wape(all.Select(x => (x.r.Baseline[x.k], x.r.Actual[x.k]))),
            all.Count == 0 ? 0 : (double)all.Count(x => x.r.P10[x.k] <= x.r.Actual[x.k] && x.r.Actual[x.k] <= x.r.P90[x.k]) / all.Count,
            byHorizon, results);
    }

    /// <summary>Weighted absolute percentage error: Σ|forecast − actual| ÷ Σ actual; null when no cash came in (undefined).</summary>
    public static double? Wape(IEnumerable<(decimal Forecast, decimal Actual)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        decimal error = 0, total = 0;
        foreach (var (f, a) in pairs)
        {
            error += Math.Abs(f - a);
            total += a;
        }

        return total > 0 ? (double)(error / total) : null;
    }
}
