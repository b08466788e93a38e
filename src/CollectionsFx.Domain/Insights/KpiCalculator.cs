using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Insights;

/// <summary>
/// The KPIs of DOMAIN.md §3, each with exactly its formula (see <see cref="KpiFormulas"/>), over an <see cref="ArBook"/>.
/// Pure: the same book, dates and cost model always give the same numbers.
/// </summary>
public static class KpiCalculator
{
    /// <summary>Days after a dunning notice within which clearing counts as its effect.</summary>
    public const int DunningWindowDays = 14;

    /// <summary>KPIs for <paramref name="period"/> as of <paramref name="asOf"/>, grouped by <paramref name="groupBy"/> (groups in key order).</summary>
    public static KpiReport Report(ArBook book, DateOnly asOf, KpiPeriod period, KpiGroupBy groupBy, CostModel costs)
    {
        ArgumentNullException.ThrowIfNull(book);
        // Groups are independent: computed in parallel, returned in key order.
        var groups = book.Accounts
            .GroupBy(a => Key(a, groupBy), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Accounts: g.ToList()))
            .ToList()
            .AsParallel().AsOrdered()
            .Select(g => new KpiGroup(g.Key, Compute(book, g.Accounts, asOf, period, costs)))
            .ToList();
        return new KpiReport(asOf, period, groupBy, book.ReportingCurrency, groups);
    }

    /// <summary>The group an account falls in.</summary>
    public static string Key(ArAccount account, KpiGroupBy groupBy)
    {
        ArgumentNullException.ThrowIfNull(account);
        return groupBy switch
        {
            KpiGroupBy.None => "all",
            KpiGroupBy.Company => account.Company,
            KpiGroupBy.Segment => account.Segment,
            KpiGroupBy.Country => account.Country,
            KpiGroupBy.Collector => account.Collector,
            KpiGroupBy.Customer => account.CustomerId,
            _ => throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, null),
        };
    }

    /// <summary>KPIs of the given accounts for <paramref name="period"/> as of <paramref name="asOf"/>.</summary>
    public static KpiValues Compute(ArBook book, IReadOnlyList<ArAccount> accounts, DateOnly asOf, KpiPeriod period, CostModel costs)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(costs);
        if (period.Start > asOf)
        {
            throw new ArgumentException($"The period {period} starts after the as-of date {asOf:yyyy-MM-dd}.", nameof(period));
        }

        var end = period.End < asOf ? period.End : asOf;
        var invoices = accounts.SelectMany(a => a.Invoices).ToList();
        var sales = new SalesIndex(invoices);
        decimal Sales(DateOnly from, DateOnly to) => sales.Between(from, to);

        // One pass over the accounts: aging at the end, AR at the start, who has open AR.
        var buckets = new Buckets();
        var beginning = 0m;
        var withOpenAr = 0;
        var lockTaken = new object();
        Parallel.ForEach(
            System.Collections.Concurrent.Partitioner.Create(0, accounts.Count, Math.Max(64, accounts.Count / (4 * Environment.ProcessorCount))),
            new ParallelOptions { MaxDegreeOfParallelism = accounts.Count < 256 ? 1 : Environment.ProcessorCount },
            range =>
            {
                var part = new Buckets();
                decimal partBeginning = 0;
                var partOpen = 0;
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    partOpen += part.Add(accounts[i], end) > 0 ? 1 : 0;
                    partBeginning += accounts[i].TotalArOn(period.Start.AddDays(-1));
                }

                lock (lockTaken)
                {
                    buckets.Merge(part);
                    beginning += partBeginning;
                    withOpenAr += partOpen;
                }
            });

        var aging = buckets.ToAging();
        var total = aging.Total;
        var current = aging.Current;
        var periodSales = Sales(period.Start, end);

        // Standard DSO and BPDSO: the period-end month (to date) and the two months before it.
        var threeMonthsStart = new DateOnly(end.Year, end.Month, 1).AddMonths(-2);
        var threeMonthsSales = Sales(threeMonthsStart, end);
        var threeMonthsDays = end.DayNumber - threeMonthsStart.DayNumber + 1;
        decimal? dsoStandard = threeMonthsSales > 0 ? total / threeMonthsSales * threeMonthsDays : null;
        decimal? bpdso = threeMonthsSales > 0 ? current / threeMonthsSales * threeMonthsDays : null;
        var (countback, lowerBound) = book.FirstIssueDate is { } first ? Countback(total, MonthsBack(end, first, Sales)) : (0m, false);

        var ceiDenominator = beginning + periodSales - current;
        decimal? cei = ceiDenominator != 0 ? (beginning + periodSales - total) / ceiDenominator * 100m : null;

        var cleared = invoices.Where(i => i.ClearedOn >= period.Start && i.ClearedOn <= end).ToList();
        var clearedWeight = cleared.Sum(i => i.AmountReporting);
        decimal? daysToPay = clearedWeight > 0 ? cleared.Sum(i => i.AmountReporting * (i.ClearedOn!.Value.DayNumber - i.IssueDate.DayNumber)) / clearedWeight : null;
        decimal? daysLate = clearedWeight > 0 ? cleared.Sum(i => i.AmountReporting * (i.ClearedOn!.Value.DayNumber - i.DueDate.DayNumber)) / clearedWeight : null;

        var cost = accounts.SelectMany(a => a.Actions).Where(x => x.Date >= period.Start && x.Date <= end).Sum(x => costs.CostOf(x.Kind, x.Automated));

        return new KpiValues(
            asOf, period, book.ReportingCurrency, accounts.Count, withOpenAr,
            Money(total), Money(current), Money(total - current - aging.Credits), Money(periodSales),
            Round(countback), lowerBound, Round(dsoStandard), Round(bpdso), Round(dsoStandard - bpdso), Round(cei),
            Round(daysToPay), Round(daysLate), total > 0 ? Round(current / total * 100m) : null,
            aging with
            {
                Current = Money(aging.Current), Days1To30 = Money(aging.Days1To30), Days31To60 = Money(aging.Days31To60),
                Days61To90 = Money(aging.Days61To90), Days91Plus = Money(aging.Days91Plus), Credits = Money(aging.Credits),
            },
            Promises(accounts, period.Start, end, asOf),
            Money(cost), withOpenAr > 0 ? Money(cost / withOpenAr) : null,
            Dunning(accounts, period.Start, end, asOf));
    }

    /// <summary>
    /// DSO countback (DOMAIN.md §3): from <paramref name="totalAr"/> subtract each month's credit sales going backwards
    /// (<paramref name="monthsBack"/>: sales and days of the period-end month first), adding that month's days, until the
    /// rest is smaller than a month's sales; then add rest ÷ that month's sales × its days. When the months run out
    /// first, the days counted so far are a lower bound. AR of zero or less gives 0.
    /// </summary>
    public static (decimal Days, bool IsLowerBound) Countback(decimal totalAr, IEnumerable<(decimal Sales, int Days)> monthsBack)
    {
        ArgumentNullException.ThrowIfNull(monthsBack);
        if (totalAr <= 0)
        {
            return (0m, false);
        }

        var rest = totalAr;
        decimal days = 0;
        foreach (var (sales, monthDays) in monthsBack)
        {
            if (rest < sales)
            {
                return (days + (rest / sales * monthDays), false);
            }

            rest -= sales;
            days += monthDays;
            if (rest == 0)
            {
                return (days, false);
            }
        }

        return (days, true);
    }

    /// <summary>Calendar months going back from <paramref name="end"/> (its month to date first) to the month of <paramref name="first"/>.</summary>
    private static IEnumerable<(decimal Sales, int Days)> MonthsBack(DateOnly end, DateOnly first, Func<DateOnly, DateOnly, decimal> sales)
    {
        var historyStart = new DateOnly(first.Year, first.Month, 1);
        var monthEnd = end;
        while (true)
        {
            var monthStart = new DateOnly(monthEnd.Year, monthEnd.Month, 1);
            if (monthStart < historyStart)
            {
                yield break;
            }

            yield return (sales(monthStart, monthEnd), monthEnd.DayNumber - monthStart.DayNumber + 1);
            monthEnd = monthStart.AddDays(-1);
        }
    }

    /// <summary>Aging of open AR on <paramref name="date"/> by days past due.</summary>
    public static AgingBuckets Aging(IEnumerable<ArAccount> accounts, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var buckets = new Buckets();
        foreach (var account in accounts)
        {
            buckets.Add(account, date);
        }

        return buckets.ToAging();
    }

    private sealed class Buckets
    {
        private decimal current, d30, d60, d90, d91, credits;

        /// <summary>Adds an account's open items on <paramref name="date"/>; returns the account's total AR.</summary>
        public decimal Add(ArAccount account, DateOnly date)
        {
            var credit = account.CreditOn(date);
            credits -= credit;
            var total = -credit;
            foreach (var invoice in account.Invoices)
            {
                var open = invoice.OpenReportingOn(date);
                total += open;
                if (open < 0)
                {
                    credits += open;
                    continue;
                }

                if (open == 0)
                {
                    continue;
                }

                switch (date.DayNumber - invoice.DueDate.DayNumber)
                {
                    case <= 0: current += open; break;
                    case <= 30: d30 += open; break;
                    case <= 60: d60 += open; break;
                    case <= 90: d90 += open; break;
                    default: d91 += open; break;
                }
            }

            return total;
        }

        public AgingBuckets ToAging() => new(current, d30, d60, d90, d91, credits);

        public void Merge(Buckets other)
        {
            current += other.current;
            d30 += other.d30;
            d60 += other.d60;
            d90 += other.d90;
            d91 += other.d91;
            credits += other.credits;
        }
    }

    private static PromiseRates Promises(IReadOnlyList<ArAccount> accounts, DateOnly start, DateOnly end, DateOnly asOf)
    {
        int kept = 0, partial = 0, broken = 0;
        decimal keptAmount = 0, partialAmount = 0, brokenAmount = 0;
        foreach (var account in accounts)
        {
            if (account.Promises.Count == 0)
            {
                continue;
            }

            var byId = account.Invoices.ToDictionary(i => i.Id, StringComparer.Ordinal);
            foreach (var p in account.Promises.Where(p => p.Deadline >= start && p.Deadline <= end))
            {
                switch (PromiseEvaluator.Evaluate(p, byId.GetValueOrDefault, asOf))
                {
                    case PromiseState.Kept: kept++; keptAmount += p.AmountReporting; break;
                    case PromiseState.PartiallyKept: partial++; partialAmount += p.AmountReporting; break;
                    case PromiseState.Broken: broken++; brokenAmount += p.AmountReporting; break;
                }
            }
        }

        var n = kept + partial + broken;
        var amount = keptAmount + partialAmount + brokenAmount;
        decimal? Rate(decimal part, decimal whole) => whole > 0 ? Round(part / whole * 100m) : null;
        return new PromiseRates(
            n, kept, partial, broken, Money(amount), Money(keptAmount), Money(partialAmount), Money(brokenAmount),
            Rate(kept, n), Rate(partial, n), Rate(broken, n), Rate(keptAmount, amount), Rate(partialAmount, amount), Rate(brokenAmount, amount));
    }

    private static List<DunningEffectiveness> Dunning(IReadOnlyList<ArAccount> accounts, DateOnly start, DateOnly end, DateOnly asOf)
    {
        var levels = new (int Notices, decimal Dunned, decimal Cleared)[5];
        foreach (var account in accounts)
        {
            Dictionary<string, ArInvoice>? byId = null;
            foreach (var notice in account.Actions)
            {
                if (notice.DunningLevel is not (>= 1 and <= 4) || notice.Date < start || notice.Date > end || notice.Date.AddDays(DunningWindowDays) > asOf)
                {
                    continue;
                }

                byId ??= account.Invoices.ToDictionary(i => i.Id, StringComparer.Ordinal);
                ref var level = ref levels[notice.DunningLevel.Value];
                level.Notices++;
                foreach (var invoice in notice.InvoiceIds.Select(byId.GetValueOrDefault))
                {
                    if (invoice is null || !invoice.IsOnBook(notice.Date) || invoice.OpenOn(notice.Date) is var dunned && dunned <= 0)
                    {
                        continue;
                    }

                    var after = Math.Max(invoice.OpenOn(notice.Date.AddDays(DunningWindowDays)), 0m);
                    level.Dunned += dunned * invoice.Rate;
                    level.Cleared += Math.Clamp(dunned - after, 0m, dunned) * invoice.Rate;
                }
            }
        }

        string[] names = [string.Empty, Activities.SendReminderL1, Activities.SendReminderL2, Activities.SendReminderL3, Activities.FinalNotice];
        return Enumerable.Range(1, 4)
            .Select(l => new DunningEffectiveness(l, names[l], levels[l].Notices, Money(levels[l].Dunned), Money(levels[l].Cleared), levels[l].Dunned > 0 ? Round(levels[l].Cleared / levels[l].Dunned * 100m) : null))
            .ToList();
    }

    private static decimal? Round(decimal? value) => value is { } v ? Math.Round(v, 2, MidpointRounding.AwayFromZero) : null;

    private static decimal Money(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    /// <summary>Credit sales per issue day with prefix sums: the sales between two dates in O(1), built in O(invoices + days).</summary>
    private sealed class SalesIndex
    {
        private readonly int firstDay;
        private readonly decimal[] prefix;

        public SalesIndex(List<ArInvoice> invoices)
        {
            if (invoices.Count == 0)
            {
                prefix = [0m];
                return;
            }

            firstDay = int.MaxValue;
            var lastDay = int.MinValue;
            foreach (var i in invoices)
            {
                firstDay = Math.Min(firstDay, i.IssueDate.DayNumber);
                lastDay = Math.Max(lastDay, i.IssueDate.DayNumber);
            }

            prefix = new decimal[lastDay - firstDay + 2];
            foreach (var i in invoices)
            {
                prefix[i.IssueDate.DayNumber - firstDay + 1] += i.AmountReporting;
            }

            for (var d = 1; d < prefix.Length; d++)
            {
                prefix[d] += prefix[d - 1];
            }
        }

        public decimal Between(DateOnly from, DateOnly to) => At(to.DayNumber) - At(from.DayNumber - 1);

        /// <summary>Sales issued on or before <paramref name="day"/>.</summary>
        private decimal At(int day) => prefix[Math.Clamp(day - firstDay + 1, 0, prefix.Length - 1)];
    }
}
