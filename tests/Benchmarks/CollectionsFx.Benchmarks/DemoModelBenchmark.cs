using System.Globalization;
using CollectionsFx.Cli.Demo;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Scoring;
using CollectionsFx.Scoring;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// The likelihood-to-pay model on the demo company (the default `cfx up` data): its events mapped exactly as the webhook maps
/// them, the ledger as known today, then a time split: model vs baselines.
/// </summary>
internal static class DemoModelBenchmark
{
    public static void Run(int months)
    {
        var today = new DateOnly(2026, 12, 4);
        var events = DemoCompany.Generate(new DemoOptions(), today);
        var records = DemoRecords.Of(events);
        var rates = ExchangeRates.ParseCsv("EUR", new StringReader(DemoCompany.RatesCsv(new DemoOptions(), today)));
        var known = LedgerTimeline.FromRecords(records).At(new DateTimeOffset(today.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero));
        var book = ArBook.Build(known, rates, BusinessCalendar.Utc);
        var split = new DateOnly(today.Year, today.Month, 1).AddMonths(-months);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  demo company: {events.Count:N0} events, {book.Accounts.Sum(a => a.Invoices.Count):N0} invoices; test = invoices issued from {split:yyyy-MM-dd}"));
        Console.Write(ModelEvaluation.Table(ModelEvaluation.Evaluate(book, split, new ScoringOptions())));
    }
}
