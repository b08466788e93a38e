using CollectionsFx.Api.Http;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Forecast;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Insights;

/// <summary>The 13-week cash forecast and its backtest over HTTP (ADR 008), computed once per snapshot and question.</summary>
public sealed class ForecastHandler(InsightsService insights)
{
    /// <summary>The most backtest origins one request may ask for (two years of weeks).</summary>
    public const int MaxOrigins = 104;

    /// <summary>What the answer says about how the forecast is made (the UI shows it beside the chart).</summary>
    public const string Method =
        "Each open invoice's cash is expected week by week from the share of open amount customers paid in a week, learnt " +
        "from the last two years by how far past due the invoice is and how late the customer has paid before; the P10-P90 " +
        "band comes from simulated futures in which each customer pays all its invoices early or late together. Amounts in " +
        "the reporting currency use the exchange rates of the forecast date; invoices not yet issued are not included.";

    /// <summary>Handles <c>GET /api/forecast?asOf=&amp;weeks=</c>.</summary>
    public async Task<IResult> ForecastAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var q = new QueryReader(request);
        var snapshot = await insights.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var asOf = q.Date("asOf") ?? insights.Today();
        var weeks = q.Int("weeks", 1, ForecastOptions.MaxWeeks) ?? 13;
        if (q.Problem() is { } problem)
        {
            return problem;
        }

        var options = new ForecastOptions { Weeks = weeks };
        var (forecast, curve) = await snapshot.CachedAsync<Computed>($"forecast|{asOf:yyyy-MM-dd}|{weeks}", async () =>
        {
            var book = await snapshot.BookAsOfAsync(asOf).ConfigureAwait(false);
            var curve = PaymentCurve.Fit(book, asOf, options);
            return new Computed(CashForecaster.Forecast(book, asOf, curve, snapshot.Rates, options), curve);
        }).ConfigureAwait(false);
        return Results.Json(
            new ForecastResponse(
                forecast.AsOf, forecast.ReportingCurrency, InsightsHandler.Info(snapshot), Method,
                new ForecastCurveInfo(curve.Cutoff, curve.Observations, curve.OverallRate),
                forecast.Invoices, forecast.Reporting, forecast.Currencies),
            ApiJson.Options);
    }

    /// <summary>Handles <c>GET /api/forecast/backtest?asOf=&amp;origins=&amp;weeks=</c>: weekly origins ending <c>weeks</c> before <c>asOf</c>.</summary>
    public async Task<IResult> BacktestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var q = new QueryReader(request);
        var snapshot = await insights.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var asOf = q.Date("asOf") ?? insights.Today();
        var count = q.Int("origins", 1, MaxOrigins) ?? 26;
        var weeks = q.Int("weeks", 1, ForecastOptions.MaxWeeks) ?? 13;
        if (q.Problem() is { } problem)
        {
            return problem;
        }

        var options = new ForecastOptions { Weeks = weeks, Draws = 500 };
        var result = await snapshot.CachedAsync($"backtest|{asOf:yyyy-MM-dd}|{count}|{weeks}", async () =>
        {
            var engine = await snapshot.KpisAsync().ConfigureAwait(false);
            var now = await snapshot.BookAsOfAsync(asOf).ConfigureAwait(false);

            // Books of past dates are built here, not cached: a backtest reads dozens of them once.
            return await Task.Run(() => ForecastBacktester.Run(engine.BookAsOf, now, ForecastBacktester.Origins(asOf, count, weeks), snapshot.Rates, options), cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return Results.Json(new { asOf, Snapshot = InsightsHandler.Info(snapshot), Method, Baseline = "every open invoice paid in full on its due date; overdue ones in the first week", Backtest = result }, ApiJson.Options);
    }

    private sealed record Computed(CashForecast Forecast, PaymentCurve Curve);
}
