using System.Text.Json;
using CollectionsFx.Cli.Demo;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Insights;

/// <summary>The 13-week cash forecast and its backtest over HTTP, on the demo company (three currencies, a year of history).</summary>
[Collection(StackCollection.Name)]
public sealed class ForecastApiTests(StackFixture stack)
{
    [Fact]
    public async Task The_demo_company_gets_a_13_week_forecast_per_currency_and_a_backtest_that_beats_the_due_date_baseline()
    {
        var (app, client) = await stack.StartDemoHostAsync(new DemoOptions(Customers: 60, Months: 18, Seed: 4));
        await using (app)
        {
            using (client)
            {
                var forecast = await (await client.GetAsync("/api/forecast")).JsonAsync();
                var reporting = forecast.GetProperty("reporting");
                Assert.Equal("EUR", reporting.GetProperty("currency").GetString());
                var weeks = reporting.GetProperty("weeks").EnumerateArray().ToList();
                Assert.Equal(13, weeks.Count);
                Assert.True(forecast.GetProperty("invoices").GetInt32() > 0);
                Assert.True(forecast.GetProperty("curve").GetProperty("observations").GetInt64() > 1_000);
                var expected = weeks.Sum(w => w.GetProperty("expected").GetDecimal());
                Assert.InRange(expected + reporting.GetProperty("beyondHorizon").GetDecimal() - reporting.GetProperty("open").GetDecimal(), -1m, 1m);
                Assert.True(expected > 0.3m * reporting.GetProperty("open").GetDecimal(), $"only {expected} of {reporting.GetProperty("open")} expected in 13 weeks");
                Assert.All(weeks, w => Assert.True(
                    w.GetProperty("p10").GetDecimal() <= w.GetProperty("p50").GetDecimal() && w.GetProperty("p50").GetDecimal() <= w.GetProperty("p90").GetDecimal(), w.ToString()));
                var currencies = forecast.GetProperty("currencies").EnumerateArray().Select(c => c.GetProperty("currency").GetString()).ToList();
                Assert.Contains("EUR", currencies);
                Assert.True(currencies.Count > 1, string.Join(",", currencies));
                Assert.Equal(6, (await (await client.GetAsync("/api/forecast?weeks=6")).JsonAsync()).GetProperty("reporting").GetProperty("weeks").GetArrayLength());

                var backtest = (await (await client.GetAsync("/api/forecast/backtest?origins=12")).JsonAsync()).GetProperty("backtest");
                Assert.Equal(12, backtest.GetProperty("origins").GetArrayLength());
                var byHorizon = backtest.GetProperty("byHorizon").EnumerateArray().ToList();
                Assert.Equal(13, byHorizon.Count);
                Assert.All(byHorizon, w => Assert.True(w.GetProperty("actual").GetDecimal() > 0, w.ToString()));
                var wape = backtest.GetProperty("wape").GetDouble();
                var baseline = backtest.GetProperty("baselineWape").GetDouble();
                Assert.True(wape < baseline, $"forecast WAPE {wape:0.000} vs due-date baseline {baseline:0.000}");
                Assert.InRange(backtest.GetProperty("bandCoverage").GetDouble(), 0.0, 1.0);

                await (await client.GetAsync("/api/forecast?weeks=0")).AssertProblemAsync(400, "weeks");
                await (await client.GetAsync("/api/forecast?asOf=tomorrow")).AssertProblemAsync(400, "asOf");
                await (await client.GetAsync("/api/forecast/backtest?origins=500")).AssertProblemAsync(400, "origins");
            }
        }
    }
}
