using System.Diagnostics;
using System.Globalization;
using CollectionsFx.Cli.Demo;
using CollectionsFx.Domain.Experiments;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// The experiment result (what <c>GET /api/experiments/{id}</c> computes after the book) on a demo company of N customers with
/// the demo experiment running 120 days: the whole analysis (effects with 2,000 bootstrap resamples per metric, guardrail,
/// weekly curve), and the weekly curve alone computed as before (every outcome of every customer per week) and as now
/// (days late only).
/// </summary>
internal static class ExperimentBenchmark
{
    public static void Run(int customers, int runs)
    {
        var today = new DateOnly(2026, 12, 4);
        var (options, arms, start) = DemoExperiment.Prepare(new DemoOptions(Customers: customers, Months: 12, Seed: 42), today);
        var events = DemoCompany.Generate(options, today);
        var records = DemoRecords.Of(events);
        var rates = ExchangeRates.ParseCsv("EUR", new StringReader(DemoCompany.RatesCsv(options, today)));
        var book = ArBook.Build(LedgerTimeline.FromRecords(records).At(DateTimeOffset.MaxValue), rates, BusinessCalendar.Utc);
        var members = book.Accounts.Where(a => arms.ContainsKey(a.CustomerId)).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {customers:N0} customers, {members.Count:N0} in the experiment, {book.Accounts.Sum(a => a.Invoices.Count):N0} invoices, {(today.DayNumber - start.DayNumber) / 7} weeks"));

        ExperimentResult? result = null;
        Report("whole analysis", runs, () => result = ExperimentAnalysis.Analyse(DemoExperiment.Design, arms, book.Accounts, start, today, CostModel.Default));
        Report("weekly curve, every outcome per week (before)", runs, () => Curve(members, start, today, a => w => ExperimentOutcomes.Of(a, start, w, CostModel.Default).DaysLate));
        Report("weekly curve, days late only (now)", runs, () => Curve(members, start, today, a => w => ExperimentOutcomes.DaysLate(a, start, w)));
        Console.WriteLine("  " + result!.Effects.Single(e => e.Metric == "daysLate").Verdict);
    }

    private static int Curve(List<ArAccount> members, DateOnly from, DateOnly asOf, Func<ArAccount, Func<DateOnly, double?>> daysLate)
    {
        var points = 0;
        for (var week = from.AddDays(7); week <= asOf.AddDays(6); week = week.AddDays(7))
        {
            var end = week > asOf ? asOf : week;
            points += members.Select(a => daysLate(a)(end)).Count(d => d is not null);
        }

        return points;
    }

    private static void Report(string name, int runs, Action body)
    {
        body();
        var times = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var watch = Stopwatch.StartNew();
            body();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: median {times.Order().ElementAt(times.Count / 2):N1} ms (runs: {string.Join(", ", times.Select(t => t.ToString("N1", CultureInfo.InvariantCulture)))})"));
    }
}
