using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using static CollectionsFx.Domain.Tests.Insights.Ar;

namespace CollectionsFx.Domain.Tests.Insights;

public sealed class AsOfTests
{
    private static KpiEngine Engine(Ar ar, BusinessCalendar? calendar = null, ExchangeRates? rates = null) =>
        new(LedgerTimeline.FromRecords(ar.Records), rates ?? new ExchangeRates("EUR"), calendar ?? BusinessCalendar.Utc, CostModel.Default);

    private static decimal TotalAr(KpiReport report) => report.Groups.Single().Values.TotalAr;

    [Fact]
    public void Kpis_as_of_a_past_date_use_only_what_was_known_then()
    {
        // A March payment keyed in on 3 April: DSO "as it stood on 31 March" still has the invoice open;
        // March restated today does not.
        var ar = new Ar().Customer("C1")
            .Invoice("I1", "2026-02-01", "2026-03-03", 1_000m)
            .Pay("P1", "2026-03-30", 1_000m, changedAt: Noon(D("2026-04-03")), allocations: ("I1", 1_000m));
        var engine = Engine(ar);

        Assert.Equal(1_000m, TotalAr(engine.Report(D("2026-03-31"), null, KpiGroupBy.None)));
        Assert.Equal(0m, TotalAr(engine.Report(D("2026-04-30"), KpiPeriod.MonthOf(D("2026-03-01")), KpiGroupBy.None)));
    }

    [Fact]
    public void A_written_off_invoice_leaves_ar_on_the_day_it_is_written_off_and_stays_a_sale()
    {
        var ar = new Ar().Customer("C1")
            .Invoice("I1", "2026-01-15", "2026-02-14", 1_000m)
            .Add(new InvoiceRecord
            {
                Id = "I1", CustomerId = "C1", Version = 99, ChangedAt = Noon(D("2026-03-20")), Resource = "erp",
                IssueDate = D("2026-01-15"), DueDate = D("2026-02-14"), Amount = 1_000m, Currency = "EUR", WrittenOff = true,
            });
        var engine = Engine(ar);

        Assert.Equal(1_000m, TotalAr(engine.Report(D("2026-03-19"), null, KpiGroupBy.None)));
        var after = engine.Report(D("2026-03-31"), null, KpiGroupBy.None).Groups.Single().Values;
        Assert.Equal(0m, after.TotalAr);
        Assert.Equal(1_000m, engine.Report(D("2026-03-31"), KpiPeriod.MonthOf(D("2026-01-01")), KpiGroupBy.None).Groups.Single().Values.CreditSales);

        // Restated today, January's AR still holds it: it was written off in March.
        Assert.Equal(1_000m, TotalAr(engine.Report(D("2026-03-31"), KpiPeriod.MonthOf(D("2026-01-01")), KpiGroupBy.None)));
    }

    [Theory]
    [InlineData("UTC", 0, 1)] // 22:30 UTC on 31 March is still March
    [InlineData("Europe/Berlin", 1_000, 0)] // ... but 00:30 on 1 April in Berlin
    public void The_business_date_is_the_tenants(string zone, int expectedAr, int expectedMarchCalls)
    {
        var late = new DateTimeOffset(2026, 3, 31, 22, 30, 0, TimeSpan.Zero);
        var ar = new Ar().Customer("C1")
            .Invoice("I1", "2026-03-01", "2026-03-31", 1_000m)
            .Pay("P1", "2026-03-31", 1_000m, changedAt: late, allocations: ("I1", 1_000m))
            .Action("A1", late, ActionKind.Call);

        var values = Engine(ar, BusinessCalendar.For(zone)).Report(D("2026-03-31"), null, KpiGroupBy.None).Groups.Single().Values;

        Assert.Equal(expectedAr, values.TotalAr);
        Assert.Equal(expectedMarchCalls * 15m, values.CollectionCost);
    }

    [Fact]
    public void The_trend_gives_each_month_as_it_stood_at_its_end()
    {
        var ar = new Ar().Customer("C1")
            .Invoice("I1", "2026-01-10", "2026-02-09", 1_000m)
            .Invoice("I2", "2026-02-10", "2026-03-12", 2_000m)
            .Pay("P1", "2026-02-20", 1_000m, allocations: ("I1", 1_000m))
            .Invoice("I3", "2026-03-10", "2026-04-09", 4_000m);
        var engine = Engine(ar);

        var trend = engine.Trend(D("2026-03-15"), 3, KpiGroupBy.None);

        Assert.Equal(["2026-01", "2026-02", "2026-03"], trend.Select(p => p.Month));
        Assert.Equal([D("2026-01-31"), D("2026-02-28"), D("2026-03-15")], trend.Select(p => p.AsOf));
        Assert.Equal([1_000m, 2_000m, 6_000m], trend.Select(p => p.Groups.Single().Values.TotalAr));
        for (var i = 0; i < trend.Count; i++)
        {
            Assert.Equal(engine.Report(trend[i].AsOf, null, KpiGroupBy.None).Groups.Single().Values, trend[i].Groups.Single().Values, new KpiValuesComparer());
        }
    }

    [Fact]
    public void The_timeline_keeps_the_highest_version_whatever_the_order_of_change_times()
    {
        var newer = new InvoiceRecord
        {
            Id = "I1", CustomerId = "C1", Version = 2, ChangedAt = Noon(D("2026-03-01")), Resource = "erp",
            IssueDate = D("2026-02-01"), DueDate = D("2026-03-01"), Amount = 200m, Currency = "EUR",
        };
        var older = newer with { Version = 1, ChangedAt = Noon(D("2026-03-05")), Amount = 100m };

        var known = LedgerTimeline.FromRecords([newer, older]).At(Noon(D("2026-03-10")));

        Assert.Equal(200m, known.Records.OfType<InvoiceRecord>().Single().Amount);
        Assert.Throws<ArgumentException>(() => LedgerTimeline.FromRecords([newer]).At([Noon(D("2026-03-10")), Noon(D("2026-03-01"))]).ToList());
    }

    private sealed class KpiValuesComparer : IEqualityComparer<KpiValues>
    {
        public bool Equals(KpiValues? x, KpiValues? y) =>
            x is not null && y is not null && x.TotalAr == y.TotalAr && x.DsoCountback == y.DsoCountback && x.Cei == y.Cei && x.Aging == y.Aging;

        public int GetHashCode(KpiValues obj) => obj.TotalAr.GetHashCode();
    }
}
