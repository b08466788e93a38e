using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Experiments;

/// <summary>
/// One customer's outcomes during an experiment (<c>from</c> its start to <c>asOf</c>), from the ledger: null where the
/// customer has nothing to measure yet (no invoice due, no promise evaluated).
/// </summary>
public sealed record CustomerOutcome(string CustomerId, double? DaysLate, double? PaidWithin30Days, double? PromiseKeptRate, double DisputeRate, double Cost)
{
    public double? Value(OutcomeMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric.Name switch
        {
            "daysLate" => DaysLate,
            "paidWithin30Days" => PaidWithin30Days,
            "promiseKeptRate" => PromiseKeptRate,
            "disputeRate" => DisputeRate,
            "costPerCustomer" => Cost,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric.Name, "not an experiment outcome"),
        };
    }
}

/// <summary>
/// Outcomes of a customer during an experiment, each as DOMAIN.md §3 defines the KPI it contributes to:
/// days late amount-weighted over the invoices due in the window (paid ones: clearing − due; open ones: days so far, a
/// lower bound), the share of the amount due at least 30 days ago that was paid within 30 days of its due date, kept ÷
/// evaluated promises whose deadline passed in the window, whether a dispute was opened in the window, and the cost of the
/// actions taken in the window (CostModel).
/// </summary>
public static class ExperimentOutcomes
{
    public static CustomerOutcome Of(ArAccount account, DateOnly from, DateOnly asOf, CostModel costs)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(costs);
        var due = Due(account, from, asOf);
        var daysLate = DaysLate(due, asOf);

        var matured = due.Where(i => i.DueDate.AddDays(30) <= asOf).ToList();
        double? within30 = matured.Count == 0 ? null
            : (double)(matured.Sum(i => Math.Min(i.Amount, i.PaidBetween(i.IssueDate, i.DueDate.AddDays(30))) / i.Amount * i.AmountReporting) / matured.Sum(i => i.AmountReporting));
        var evaluated = PromiseEvaluator.States(account, asOf)
            .Where(p => p.Promise.Deadline >= from && p.Promise.Deadline < asOf && p.State is PromiseState.Kept or PromiseState.PartiallyKept or PromiseState.Broken).ToList();
        double? kept = evaluated.Count == 0 ? null : evaluated.Count(p => p.State == PromiseState.Kept) / (double)evaluated.Count;
        var disputed = account.Disputes.Any(d => d.Opened >= from && d.Opened <= asOf) ? 1.0 : 0.0;
        var cost = (double)account.Actions.Where(a => a.Date >= from && a.Date <= asOf).Sum(a => costs.CostOf(a.Kind, a.Automated));
        return new CustomerOutcome(account.CustomerId, daysLate, within30, kept, disputed, cost);
    }

    /// <summary>
    /// The amount-weighted days late as of <paramref name="asOf"/> of the invoices due from <paramref name="from"/> (open ones
    /// count their days so far); null without any. The weekly curve needs only this, not the whole outcome.
    /// </summary>
    public static double? DaysLate(ArAccount account, DateOnly from, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(account);
        return DaysLate(Due(account, from, asOf), asOf);
    }

    private static List<ArInvoice> Due(ArAccount account, DateOnly from, DateOnly asOf) =>
        [.. account.Invoices.Where(i => i.DueDate >= from && i.DueDate < asOf && i.IsOnBook(i.DueDate) && i.AmountReporting > 0)];

    private static double? DaysLate(List<ArInvoice> due, DateOnly asOf)
    {
        if (due.Count == 0)
        {
            return null;
        }

        var weight = due.Sum(i => (double)i.AmountReporting);
        return due.Sum(i => (double)i.AmountReporting * ((i.ClearedOn is { } cleared && cleared <= asOf ? cleared : asOf).DayNumber - i.DueDate.DayNumber)) / weight;
    }
}

/// <summary>An arm's outcome over time: the mean days late of the invoices due up to each week's end (the Steering chart).</summary>
public sealed record CumulativePoint(DateOnly WeekEnd, string Arm, double? MeanDaysLate, int Customers);

/// <summary>The experiment as of a date: per challenger and metric its effect, the guardrail's stops, and how long to run.</summary>
public sealed record ExperimentResult(
    string ExperimentId, DateOnly From, DateOnly AsOf, IReadOnlyDictionary<string, int> CustomersPerArm, IReadOnlyList<ArmEffect> Effects,
    IReadOnlyDictionary<string, string> GuardrailStops, int RequiredPerArm, double? DaysToDecision, IReadOnlyList<CumulativePoint> Cumulative);

/// <summary>Analyses an experiment from its assignment and the customers' ledgers.</summary>
public static class ExperimentAnalysis
{
    public static readonly IReadOnlyList<OutcomeMetric> Metrics =
        [OutcomeMetric.DaysLate, OutcomeMetric.PaidWithin30Days, OutcomeMetric.PromiseKeptRate, OutcomeMetric.DisputeRate, OutcomeMetric.CostPerCustomer];

    public static ExperimentResult Analyse(ExperimentDesign design, IReadOnlyDictionary<string, string> assignment, IEnumerable<ArAccount> accounts, DateOnly from, DateOnly asOf, CostModel costs)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(accounts);
        var members = accounts.Where(a => assignment.ContainsKey(a.CustomerId)).ToList();
        var outcomes = members.Select(a => (Arm: assignment[a.CustomerId], Outcome: ExperimentOutcomes.Of(a, from, asOf, costs))).ToList();
        List<double> Values(string arm, OutcomeMetric metric) =>
            [.. outcomes.Where(o => o.Arm == arm).Select(o => o.Outcome.Value(metric)).OfType<double>()];

        // One seed per experiment, metric and arm: the same data always gives the same intervals.
        int Seed(string arm, OutcomeMetric metric) => (int)(ArmAssignment.Uniform(design.Id, arm + "/" + metric.Name) * int.MaxValue);
        var challengers = design.Arms.Where(a => a.Id != design.ChampionArm).Select(a => a.Id).ToList();
        var effects = challengers.SelectMany(arm => Metrics.Select(m => EffectAnalysis.Estimate(m, arm, Values(design.ChampionArm, m), Values(arm, m), Seed(arm, m)))).ToList();
        var stops = challengers.Select(arm => (Arm: arm, Reason: EffectAnalysis.GuardrailBreach(design.Guardrail, arm, Values(design.ChampionArm, OutcomeMetric.DisputeRate), Values(arm, OutcomeMetric.DisputeRate))))
            .Where(s => s.Reason is not null).ToDictionary(s => s.Arm, s => s.Reason!, StringComparer.Ordinal);

        // How long: customers with a days-late outcome needed per arm for the smallest effect worth detecting.
        var champion = Values(design.ChampionArm, OutcomeMetric.DaysLate);
        var spread = EffectAnalysis.StandardDeviation(champion);
        var required = double.IsNaN(spread) ? 0 : EffectAnalysis.RequiredPerArm(spread, spread, design.MinimumEffectDays);
        var smallest = design.Arms.Min(a => Values(a.Id, OutcomeMetric.DaysLate).Count);
        var days = required == 0 ? null : EffectAnalysis.DaysToDecision(required, smallest, asOf.DayNumber - from.DayNumber);

        var cumulative = new List<CumulativePoint>();
        for (var week = from.AddDays(7); week <= asOf.AddDays(6); week = week.AddDays(7))
        {
            var end = week > asOf ? asOf : week;
            foreach (var arm in design.Arms)
            {
                var values = members.Where(a => assignment[a.CustomerId] == arm.Id).Select(a => ExperimentOutcomes.DaysLate(a, from, end)).OfType<double>().ToList();
                cumulative.Add(new CumulativePoint(end, arm.Id, values.Count == 0 ? null : values.Average(), values.Count));
            }
        }

        var perArm = design.Arms.ToDictionary(a => a.Id, a => outcomes.Count(o => o.Arm == a.Id), StringComparer.Ordinal);
        return new ExperimentResult(design.Id, from, asOf, perArm, effects, stops, required, days, cumulative);
    }
}
