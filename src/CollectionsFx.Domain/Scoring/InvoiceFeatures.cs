using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Scoring;

/// <summary>
/// The features of one invoice as of a scoring date (DOMAIN.md §7), from what was known on that date only. Numbers are
/// <see cref="float"/> (what ML.NET trains on); <see cref="Country"/> and <see cref="Segment"/> are categories.
/// </summary>
public sealed record InvoiceFeatures
{
    public required string InvoiceId { get; init; }

    public required string CustomerId { get; init; }

    public required DateOnly AsOf { get; init; }

    /// <summary>Share of the customer's invoices settled before the date that were late (past due + tolerance); the population's share for a new customer.</summary>
    public float PriorLateShare { get; init; }

    /// <summary>Mean days late (may be negative: early) of those invoices; the population's mean for a new customer.</summary>
    public float PriorMeanDaysLate { get; init; }

    /// <summary>How many of the customer's invoices were settled before the date.</summary>
    public float PriorSettled { get; init; }

    /// <summary>1 when the customer has no settled invoice before the date (cold start: the prior shares are the population's).</summary>
    public float ColdStart { get; init; }

    /// <summary>Disputes the customer opened before the date.</summary>
    public float PriorDisputes { get; init; }

    /// <summary>Promises of the customer broken before the date.</summary>
    public float PriorBrokenPromises { get; init; }

    /// <summary>Invoice amount ÷ mean amount of the customer's other invoices issued before the date (1 without any).</summary>
    public float AmountVsMean { get; init; }

    /// <summary>Invoice amount in the reporting currency, log10(1 + amount).</summary>
    public float LogAmount { get; init; }

    /// <summary>Payment terms in days (due − issue).</summary>
    public float TermsDays { get; init; }

    /// <summary>Days from the date to the due date (negative: overdue).</summary>
    public float DaysToDue { get; init; }

    /// <summary>Share of the invoice still open.</summary>
    public float OpenShare { get; init; }

    /// <summary>The customer's open balance on the date, log10(1 + max(0, balance)).</summary>
    public float LogOpenBalance { get; init; }

    /// <summary>Balance now ÷ balance 30 days earlier (1 when both are 0; capped at 10).</summary>
    public float BalanceTrend { get; init; }

    public float Paperless { get; init; }

    public required string Country { get; init; }

    public required string Segment { get; init; }
}

/// <summary>Options of the likelihood-to-pay target and features.</summary>
public sealed record ScoringOptions
{
    /// <summary>Days after the due date an invoice may clear and still count as on time (DOMAIN.md §7: 5).</summary>
    public int ToleranceDays { get; init; } = 5;
}

/// <summary>
/// Builds <see cref="InvoiceFeatures"/> from an AR book as it stood on the scoring date (the book itself only holds what was
/// known then; see <see cref="LedgerTimeline"/>), reading business dates only up to that date. Pure.
/// </summary>
public static class FeatureBuilder
{
    /// <summary>The risk band of a likelihood (DOMAIN.md §7): low ≥ 0.80, medium 0.50-0.80, high &lt; 0.50.</summary>
    public static string RiskBand(double likelihood) => likelihood >= 0.8 ? "low" : likelihood >= 0.5 ? "medium" : "high";

    /// <summary>Whether an invoice that cleared on <paramref name="cleared"/> was paid on time (the target of DOMAIN.md §7).</summary>
    public static bool OnTime(DateOnly due, DateOnly cleared, ScoringOptions options) => cleared.DayNumber <= due.DayNumber + options.ToleranceDays;

    /// <summary>Features of every invoice open on <paramref name="asOf"/>.</summary>
    public static IReadOnlyList<InvoiceFeatures> ForOpenInvoices(ArBook book, DateOnly asOf, ScoringOptions options, Func<ArAccount, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(book);
        var population = PopulationAt(book, asOf, options);

        // Accounts are independent: in parallel, in account order.
        return book.Accounts.Where(a => include?.Invoke(a) ?? true).AsParallel().AsOrdered().SelectMany(account =>
        {
            var open = account.Invoices.Where(i => i.IsOnBook(asOf) && i.OpenOn(asOf) > 0).ToList();
            if (open.Count == 0)
            {
                return [];
            }

            var history = History(account, asOf, options);
            return open.Select(invoice => Features(account, invoice, history, population, asOf));
        }).ToList();
    }

    /// <summary>Features of one invoice as of <paramref name="asOf"/>.</summary>
    public static InvoiceFeatures For(ArBook book, ArAccount account, ArInvoice invoice, DateOnly asOf, ScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(account);
        return Features(account, invoice, History(account, asOf, options), PopulationAt(book, asOf, options), asOf);
    }

    /// <summary>
    /// Training rows: every invoice that cleared, with its features as of its issue date (when it would first be scored) and
    /// whether it was paid on time. Invoices that never cleared are not rows; they are counted.
    /// </summary>
    public static (IReadOnlyList<(InvoiceFeatures Features, bool OnTime)> Rows, int Unsettled) TrainingRows(ArBook book, ScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(book);
        var population = new PopulationIndex(book, options);
        var rows = new List<(InvoiceFeatures, bool)>();
        var unsettled = 0;
        foreach (var account in book.Accounts)
        {
            foreach (var invoice in account.Invoices)
            {
                if (invoice.ClearedOn is not { } cleared)
                {
                    unsettled++;
                    continue;
                }

                var asOf = invoice.IssueDate;
                rows.Add((Features(account, invoice, History(account, asOf, options), population.At(asOf), asOf), OnTime(invoice.DueDate, cleared, options)));
            }
        }

        return (rows, unsettled);
    }

    /// <summary>When a settled invoice cleared (day number), whether late (1) or not (0), and its days late; null if never settled.</summary>
    internal static (int Day, int Late, double DaysLate)? Settled(ArInvoice invoice, ScoringOptions options) =>
        invoice.ClearedOn is { } cleared
            ? (cleared.DayNumber, OnTime(invoice.DueDate, cleared, options) ? 0 : 1, cleared.DayNumber - invoice.DueDate.DayNumber)
            : null;

    /// <summary>The population's late share and mean days late over invoices settled before one date (one pass, no index).</summary>
    private static (float LateShare, float MeanDaysLate) PopulationAt(ArBook book, DateOnly asOf, ScoringOptions options)
    {
        int settled = 0, late = 0;
        double days = 0;
        foreach (var account in book.Accounts)
        {
            foreach (var i in account.Invoices)
            {
                if (Settled(i, options) is { } outcome && outcome.Day < asOf.DayNumber)
                {
                    settled++;
                    late += outcome.Late;
                    days += outcome.DaysLate;
                }
            }
        }

        return settled == 0 ? (0.5f, 0f) : ((float)late / settled, (float)(days / settled));
    }

    /// <summary>The population's late share and mean days late over invoices settled before any date, by binary search.</summary>
    private sealed class PopulationIndex
    {
        private readonly int[] days;
        private readonly int[] lateCount;
        private readonly double[] daysLate;

        public PopulationIndex(ArBook book, ScoringOptions options)
        {
            var settled = book.Accounts.SelectMany(a => a.Invoices)
                .Select(i => Settled(i, options))
                .OfType<(int Day, int Late, double DaysLate)>()
                .OrderBy(x => x.Day)
                .ToArray();
            days = settled.Select(x => x.Day).ToArray();
            lateCount = new int[settled.Length + 1];
            daysLate = new double[settled.Length + 1];
            for (var i = 0; i < settled.Length; i++)
            {
                lateCount[i + 1] = lateCount[i] + settled[i].Late;
                daysLate[i + 1] = daysLate[i] + settled[i].DaysLate;
            }
        }

        public (float LateShare, float MeanDaysLate) At(DateOnly asOf)
        {
            // Settled strictly before the date.
            var n = Array.BinarySearch(days, asOf.DayNumber);
            n = n < 0 ? ~n : n;
            while (n > 0 && days[n - 1] >= asOf.DayNumber)
            {
                n--;
            }

            while (n < days.Length && days[n] < asOf.DayNumber)
            {
                n++;
            }

            return n == 0 ? (0.5f, 0f) : ((float)lateCount[n] / n, (float)(daysLate[n] / n));
        }
    }

    /// <summary>What the customer's record looked like before <paramref name="asOf"/>.</summary>
    internal sealed record CustomerHistory(int Settled, int Late, double SumDaysLate, int Disputes, int BrokenPromises, int Issued, decimal SumAmount, decimal Balance, decimal Balance30DaysAgo);

    private static CustomerHistory History(ArAccount account, DateOnly asOf, ScoringOptions options)
    {
        int settled = 0, late = 0, issued = 0;
        double sumLate = 0;
        decimal sumAmount = 0, balance = 0, balance30 = 0;
        var monthAgo = asOf.AddDays(-30);
        foreach (var i in account.Invoices)
        {
            if (i.IssueDate < asOf)
            {
                issued++;
                sumAmount += i.AmountReporting;
            }

            if (Settled(i, options) is { } outcome && outcome.Day < asOf.DayNumber)
            {
                settled++;
                late += outcome.Late;
                sumLate += outcome.DaysLate;
            }

            // The balance now and 30 days before (ArAccount.TotalArOn of both dates, in the same pass).
            if (i.IssueDate <= asOf)
            {
                balance += i.OpenReportingOn(asOf);
                balance30 += i.OpenReportingOn(monthAgo);
            }
        }

        var byId = account.Promises.Count == 0 ? null : account.Invoices.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var broken = byId is null ? 0 : account.Promises.Count(p => p.Deadline < asOf && PromiseEvaluator.Evaluate(p, byId.GetValueOrDefault, asOf) == PromiseState.Broken);
        return new CustomerHistory(
            settled, late, sumLate, account.Disputes.Count(d => d.Opened < asOf), broken, issued, sumAmount,
            balance - account.CreditOn(asOf), balance30 - account.CreditOn(monthAgo));
    }

    private static InvoiceFeatures Features(ArAccount account, ArInvoice invoice, CustomerHistory h, (float LateShare, float MeanDaysLate) population, DateOnly asOf)
    {
        var cold = h.Settled == 0;
        // The customer's other invoices issued before the date (this one left out).
        var (others, sum) = invoice.IssueDate < asOf ? (h.Issued - 1, h.SumAmount - invoice.AmountReporting) : (h.Issued, h.SumAmount);
        var meanAmount = others <= 0 ? 0m : sum / others;
        return new InvoiceFeatures
        {
            InvoiceId = invoice.Id,
            CustomerId = account.CustomerId,
            AsOf = asOf,
            PriorLateShare = cold ? population.LateShare : (float)h.Late / h.Settled,
            PriorMeanDaysLate = cold ? population.MeanDaysLate : (float)(h.SumDaysLate / h.Settled),
            PriorSettled = h.Settled,
            ColdStart = cold ? 1 : 0,
            PriorDisputes = h.Disputes,
            PriorBrokenPromises = h.BrokenPromises,
            AmountVsMean = meanAmount > 0 ? (float)(invoice.AmountReporting / meanAmount) : 1f,
            LogAmount = (float)Math.Log10(1 + (double)Math.Max(0, invoice.AmountReporting)),
            TermsDays = invoice.DueDate.DayNumber - invoice.IssueDate.DayNumber,
            DaysToDue = invoice.DueDate.DayNumber - asOf.DayNumber,
            OpenShare = invoice.Amount > 0 ? (float)(Math.Max(0, invoice.OpenOn(asOf)) / invoice.Amount) : 0f,
            LogOpenBalance = (float)Math.Log10(1 + (double)Math.Max(0, h.Balance)),
            BalanceTrend = h.Balance30DaysAgo > 0 ? (float)Math.Min(10, (double)(Math.Max(0, h.Balance) / h.Balance30DaysAgo)) : h.Balance > 0 ? 10f : 1f,
            Paperless = invoice.Paperless ? 1 : 0,
            Country = account.Country,
            Segment = account.Segment,
        };
    }
}
