using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Scoring;

namespace CollectionsFx.Domain.Forecast;

/// <summary>Options of the cash forecast and its backtest.</summary>
public sealed record ForecastOptions
{
    /// <summary>The longest horizon the API allows.</summary>
    public const int MaxWeeks = 26;

    /// <summary>Horizon in weeks (the CFO's 13-week view).</summary>
    public int Weeks { get; init; } = 13;

    /// <summary>How many weeks of history before the forecast date the payment curve learns from.</summary>
    public int HistoryWeeks { get; init; } = 104;

    /// <summary>Simulated futures behind the P10/P50/P90 band.</summary>
    public int Draws { get; init; } = 1000;

    /// <summary>Seed of the simulation: the same book and options give the same band.</summary>
    public ulong Seed { get; init; } = 7;

    /// <summary>
    /// Weight, in average invoice-weeks, of the broader rate a sparse cell is shrunk toward (customer × age → age → all).
    /// </summary>
    public double PriorStrength { get; init; } = 20;
}

/// <summary>
/// Weekly collection rates learnt from history (a roll-rate table, ADR 008): for an invoice that is open at the start of a
/// week, the share of its open amount paid in cash within that week, by how far past due it is at the week's start (in
/// weeks, −8 to +17) and by the customer's record (mean days late of the invoices it settled before that date). Every cell
/// is an amount-weighted ratio, shrunk toward the rate of its age alone (and that toward the overall rate) when it has few
/// observations. Pure; reads only business dates up to the cutoff.
/// </summary>
public sealed class PaymentCurve
{
    /// <summary>The earliest and latest past-due week with its own rates (earlier and later weeks share the edge rates).</summary>
    public const int MinAgeWeek = -8, MaxAgeWeek = 17;

    /// <summary>Names of the customer-record classes, in index order.</summary>
    public static readonly IReadOnlyList<string> CustomerClasses =
        ["no settled invoice yet", "pays early or on time", "1-7 days late", "8-15 days late", "16-30 days late", "31-60 days late", "over 60 days late"];

    private const int AgeBuckets = MaxAgeWeek - MinAgeWeek + 1;

    private readonly double[,] rates;

    private PaymentCurve(DateOnly cutoff, double[,] rates, long observations, double overall)
    {
        Cutoff = cutoff;
        this.rates = rates;
        Observations = observations;
        OverallRate = overall;
    }

    /// <summary>The date the curve was learnt at: weeks that ended after it were not seen.</summary>
    public DateOnly Cutoff { get; }

    /// <summary>Invoice-weeks the curve learnt from.</summary>
    public long Observations { get; }

    /// <summary>Share of open amount paid per week over all observations.</summary>
    public double OverallRate { get; }

    /// <summary>The class of a customer's mean days late (index into <see cref="CustomerClasses"/>); 0 without history.</summary>
    public static int CustomerClass(int settled, double meanDaysLate) => settled == 0 ? 0
        : meanDaysLate <= 0 ? 1 : meanDaysLate <= 7 ? 2 : meanDaysLate <= 15 ? 3 : meanDaysLate <= 30 ? 4 : meanDaysLate <= 60 ? 5 : 6;

    /// <summary>The age bucket of an invoice <paramref name="daysPastDue"/> days past due (negative: not yet due).</summary>
    public static int AgeBucket(int daysPastDue) => Math.Clamp((int)Math.Floor(daysPastDue / 7.0), MinAgeWeek, MaxAgeWeek) - MinAgeWeek;

    /// <summary>The share of open amount paid within a week that starts <paramref name="daysPastDue"/> days past due.</summary>
    public double WeeklyRate(int customerClass, int daysPastDue) => rates[customerClass, AgeBucket(daysPastDue)];

    /// <summary>
    /// Expected shares of an invoice's open amount paid in each of the next <paramref name="weeks"/> weeks after a date on
    /// which it is <paramref name="daysPastDue"/> days past due; what is left (1 − Σ) is not expected within the horizon.
    /// </summary>
    public double[] WeekShares(int customerClass, int daysPastDue, int weeks)
    {
        var shares = new double[weeks];
        var remaining = 1.0;
        for (var k = 0; k < weeks; k++)
        {
            var rate = WeeklyRate(customerClass, daysPastDue + (7 * k));
            shares[k] = remaining * rate;
            remaining -= shares[k];
        }

        return shares;
    }

    /// <summary>
    /// Learns the curve from the weeks that ended on or before <paramref name="cutoff"/>: week starts are
    /// <c>cutoff − 7m</c> for m = 1 … <see cref="ForecastOptions.HistoryWeeks"/>, and each invoice open at a week's start
    /// (on the book, open amount &gt; 0) is one observation of what it paid in cash in that week, in the reporting currency.
    /// </summary>
    public static PaymentCurve Fit(ArBook book, DateOnly cutoff, ForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(options);
        var classes = CustomerClasses.Count;
        var paid = new double[classes, AgeBuckets];
        var open = new double[classes, AgeBuckets];
        long observations = 0;
        foreach (var account in book.Accounts)
        {
            var record = new CustomerRecord(account);
            foreach (var invoice in account.Invoices)
            {
                var newest = Math.Min(options.HistoryWeeks, (cutoff.DayNumber - invoice.IssueDate.DayNumber) / 7);
                for (var m = newest; m >= 1; m--)
                {
                    var start = cutoff.AddDays(-7 * m);
                    if (!invoice.IsOnBook(start))
                    {
                        break;
                    }

                    var amount = invoice.OpenOn(start);
                    if (amount <= 0)
                    {
                        if (invoice.ClearedOn <= start)
                        {
                            break;
                        }

                        continue;
                    }

                    var cash = Math.Min(amount, invoice.PaidBetween(start.AddDays(1), start.AddDays(7)));
                    var c = record.ClassBefore(start);
                    var a = AgeBucket(start.DayNumber - invoice.DueDate.DayNumber);
                    paid[c, a] += (double)(cash * invoice.Rate);
                    open[c, a] += (double)(amount * invoice.Rate);
                    observations++;
                }
            }
        }

        return new PaymentCurve(cutoff, Shrunk(paid, open, observations, options.PriorStrength, out var overall), observations, overall);
    }

    /// <summary>Cell rates shrunk toward their age's rate, and ages toward the overall rate (weights in amount, see options).</summary>
    private static double[,] Shrunk(double[,] paid, double[,] open, long observations, double strength, out double overall)
    {
        double totalPaid = 0, totalOpen = 0;
        foreach (var v in paid)
        {
            totalPaid += v;
        }

        foreach (var v in open)
        {
            totalOpen += v;
        }

        // Without any history the overall rate is a neutral guess: a fifth of the open amount per week.
        overall = totalOpen > 0 ? totalPaid / totalOpen : 0.2;
        var prior = strength * (observations > 0 ? totalOpen / observations : 1);
        var classes = paid.GetLength(0);
        var rates = new double[classes, AgeBuckets];
        for (var a = 0; a < AgeBuckets; a++)
        {
            double agePaid = 0, ageOpen = 0;
            for (var c = 0; c < classes; c++)
            {
                agePaid += paid[c, a];
                ageOpen += open[c, a];
            }

            var ageRate = Blend(agePaid, ageOpen, prior, overall);
            for (var c = 0; c < classes; c++)
            {
                rates[c, a] = Blend(paid[c, a], open[c, a], prior, ageRate);
            }
        }

        return rates;

        // Without observations nor prior weight (strength 0) a cell takes the broader rate as it is.
        static double Blend(double paid, double open, double prior, double broader) => open + prior > 0 ? (paid + (prior * broader)) / (open + prior) : broader;
    }

    /// <summary>A customer's settled invoices in clearing order, to read its record before any date by binary search.</summary>
    internal sealed class CustomerRecord
    {
        private readonly int[] days;
        private readonly double[] sumDaysLate;

        public CustomerRecord(ArAccount account)
        {
            var options = new ScoringOptions();
            var settled = account.Invoices.Select(i => FeatureBuilder.Settled(i, options)).OfType<(int Day, int Late, double DaysLate)>().OrderBy(s => s.Day).ToArray();
            days = [.. settled.Select(s => s.Day)];
            sumDaysLate = new double[settled.Length + 1];
            for (var i = 0; i < settled.Length; i++)
            {
                sumDaysLate[i + 1] = sumDaysLate[i] + settled[i].DaysLate;
            }
        }

        /// <summary>The customer's class from the invoices it settled strictly before <paramref name="date"/>.</summary>
        public int ClassBefore(DateOnly date)
        {
            int lo = 0, hi = days.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (days[mid] < date.DayNumber)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return CustomerClass(lo, lo == 0 ? 0 : sumDaysLate[lo] / lo);
        }
    }
}
