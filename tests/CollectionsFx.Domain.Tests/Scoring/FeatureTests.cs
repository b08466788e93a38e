using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Scoring;
using CollectionsFx.Domain.Tests.Insights;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static CollectionsFx.Domain.Tests.Insights.Ar;

namespace CollectionsFx.Domain.Tests.Scoring;

public sealed class FeatureTests
{
    private static readonly ScoringOptions Options = new();

    private static InvoiceFeatures Features(Ar ar, string invoiceId, string asOf)
    {
        var book = ar.Book();
        var account = book.Accounts.Single(a => a.Invoices.Any(i => i.Id == invoiceId));
        return FeatureBuilder.For(book, account, account.Invoices.Single(i => i.Id == invoiceId), D(asOf), Options);
    }

    [Fact]
    public void History_counts_only_invoices_settled_before_the_scoring_date()
    {
        var ar = new Ar().Customer("C1")
            .Invoice("I1", "2026-01-01", "2026-01-31", 100m).Pay("P1", "2026-02-10", 100m, allocations: ("I1", 100m)) // 10 days late
            .Invoice("I2", "2026-01-05", "2026-02-04", 300m).Pay("P2", "2026-02-06", 300m, allocations: ("I2", 300m)) // 2 days: on time
            .Invoice("I3", "2026-02-01", "2026-03-03", 200m).Pay("P3", "2026-03-20", 200m, allocations: ("I3", 200m)) // after the date
            .Invoice("I4", "2026-03-01", "2026-03-31", 400m);

        var f = Features(ar, "I4", "2026-03-10");

        Assert.Equal((2f, 0.5f, 6f, 0f), (f.PriorSettled, f.PriorLateShare, f.PriorMeanDaysLate, f.ColdStart));
        Assert.Equal(2f, f.AmountVsMean); // 400 vs the mean 200 of I1..I3
        Assert.Equal((30f, 21f, 1f), (f.TermsDays, f.DaysToDue, f.OpenShare));
        Assert.Equal(("DE", "Smb"), (f.Country, f.Segment));
    }

    [Fact]
    public void A_new_customer_gets_the_populations_prior_and_is_flagged_cold()
    {
        var ar = new Ar().Customer("C1").Customer("C2")
            .Invoice("I1", "2026-01-01", "2026-01-31", 100m, "C1").Pay("P1", "2026-02-20", 100m, "C1", allocations: ("I1", 100m)) // 20 late
            .Invoice("I2", "2026-01-01", "2026-01-31", 100m, "C1").Pay("P2", "2026-01-31", 100m, "C1", allocations: ("I2", 100m)) // on time
            .Invoice("N1", "2026-03-01", "2026-03-31", 500m, "C2");

        var f = Features(ar, "N1", "2026-03-05");

        Assert.Equal((1f, 0f, 0.5f, 10f), (f.ColdStart, f.PriorSettled, f.PriorLateShare, f.PriorMeanDaysLate));
        Assert.Equal(1f, f.AmountVsMean);
    }

    [Theory]
    [InlineData("2026-02-05", true)] // due + 5
    [InlineData("2026-02-06", false)]
    [InlineData("2026-01-15", true)]
    public void The_target_is_cleared_no_later_than_due_date_plus_tolerance(string cleared, bool onTime) =>
        Assert.Equal(onTime, FeatureBuilder.OnTime(D("2026-01-31"), D(cleared), Options));

    /// <summary>
    /// Leakage: the features as of D from the book that knows everything equal the features from the book of what was
    /// known on D (here every fact becomes known on its business date, as an ERP books it).
    /// </summary>
    [Property(MaxTest = 200)]
    public bool Features_as_of_a_date_do_not_change_when_later_events_are_added(PositiveInt seed, PositiveInt day)
    {
        var (all, asOf) = History(seed.Get, day.Get);
        var known = all.Where(r => Business(r) <= asOf).ToList();

        var full = FeatureBuilder.ForOpenInvoices(Book(all), asOf, Options);
        var then = FeatureBuilder.ForOpenInvoices(Book(known), asOf, Options);

        return full.Count == then.Count && full.Zip(then).All(p => p.First == p.Second);
    }

    [Fact]
    public void The_leakage_property_compares_books_that_really_differ_after_the_date()
    {
        // Guard that the property is sharp: the book that knows everything has clearings, invoices and disputes after
        // the date that the book of the date lacks, and a feature reading them (the open share later) would differ.
        var (all, asOf) = History(7, 90);
        var full = Book(all);
        var then = Book(all.Where(r => Business(r) <= asOf));

        Assert.True(full.Accounts.Sum(a => a.Invoices.Count) > then.Accounts.Sum(a => a.Invoices.Count));
        Assert.Contains(full.Accounts.SelectMany(a => a.Invoices), i => i.IssueDate <= asOf && i.ClearedOn > asOf);
        var open = FeatureBuilder.ForOpenInvoices(full, asOf, Options);
        Assert.NotEqual(open.Select(f => f.OpenShare), FeatureBuilder.ForOpenInvoices(full, asOf.AddDays(45), Options).Where(f => open.Any(o => o.InvoiceId == f.InvoiceId)).Select(f => f.OpenShare));
    }

    internal static ArBook Book(IEnumerable<LedgerRecord> records) => ArBook.Build(KnownLedger.Of(records), new ExchangeRates("EUR"), BusinessCalendar.Utc);

    internal static DateOnly Business(LedgerRecord r) => r switch
    {
        InvoiceRecord i => i.IssueDate,
        PaymentRecord p => p.ValueDate,
        DisputeRecord d => d.Opened,
        _ => DateOnly.FromDateTime(r.ChangedAt.UtcDateTime),
    };

    /// <summary>A random history of three customers over 200 days; every record becomes known on its business date.</summary>
    internal static (List<LedgerRecord> Records, DateOnly AsOf) History(int seed, int day)
    {
        var rng = new Random(seed);
        var start = D("2026-01-01");
        var records = new List<LedgerRecord>();
        for (var c = 1; c <= 3; c++)
        {
            var customer = "C" + c;
            records.Add(new CustomerRecord { Id = customer, CustomerId = customer, Version = 1, ChangedAt = Noon(start.AddDays(-1)), Resource = "erp", Name = customer, Country = "DE", Currency = "EUR" });
            for (var k = 0; k < 12; k++)
            {
                var id = $"{customer}-I{k}";
                var issue = start.AddDays(rng.Next(0, 200));
                var amount = rng.Next(100, 5_000);
                records.Add(new InvoiceRecord { Id = id, CustomerId = customer, Version = 1, ChangedAt = Noon(issue), Resource = "erp", IssueDate = issue, DueDate = issue.AddDays(30), Amount = amount, Currency = "EUR" });
                var paid = issue.AddDays(rng.Next(5, 90));
                var part = rng.Next(2) == 0 ? amount : amount / 2m;
                records.Add(new PaymentRecord { Id = "P" + id, CustomerId = customer, Version = 1, ChangedAt = Noon(paid), Resource = "bank", ValueDate = paid, Amount = part, Currency = "EUR", Allocations = [new Allocation(id, part)] });
                if (rng.Next(5) == 0)
                {
                    var opened = issue.AddDays(rng.Next(1, 40));
                    records.Add(new DisputeRecord { Id = "D" + id, CustomerId = customer, Version = 1, ChangedAt = Noon(opened), Resource = "crm", InvoiceId = id, ReasonCode = "PRICE", Opened = opened });
                }
            }
        }

        return (records, start.AddDays(day % 230));
    }
}

public sealed class MetricsTests
{
    [Fact]
    public void Perfect_random_and_inverted_rankings_give_auc_1_half_and_0()
    {
        bool[] labels = [false, false, true, true];

        Assert.Equal(1.0, Metrics.Compute([0.1, 0.2, 0.8, 0.9], labels).RocAuc);
        Assert.Equal(0.5, Metrics.Compute([0.5, 0.5, 0.5, 0.5], labels).RocAuc);
        Assert.Equal(0.0, Metrics.Compute([0.9, 0.8, 0.2, 0.1], labels).RocAuc);
        Assert.Equal(1.0, Metrics.Compute([0.1, 0.2, 0.8, 0.9], labels).PrAuc);
    }

    [Fact]
    public void Log_loss_brier_and_calibration_follow_their_definitions()
    {
        var m = Metrics.Compute([0.8, 0.6], [true, false]);

        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.4)) / 2, m.LogLoss, 12);
        Assert.Equal((0.04 + 0.36) / 2, m.Brier, 12);
        Assert.Equal(0.5, m.PositiveRate);
        Assert.Equal(2, m.Calibration.Sum(b => b.Count));
    }
}
