namespace CollectionsFx.Domain.Insights;

/// <summary>The one published formula of each KPI (DOMAIN.md §3), served with the numbers so the UI can show it.</summary>
public static class KpiFormulas
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dsoCountback"] = "Total AR at period end; subtract each month's credit sales going backwards, adding that month's days, until the rest is smaller than a month's sales; add rest ÷ that month's sales × that month's days.",
        ["dsoStandard"] = "Total AR at period end ÷ credit sales of the last 3 months × days in those months.",
        ["bestPossibleDso"] = "Current AR at period end ÷ credit sales of the last 3 months × days in those months.",
        ["averageDaysDelinquent"] = "DSO (standard) − Best Possible DSO.",
        ["cei"] = "(Beginning AR + credit sales − ending total AR) ÷ (beginning AR + credit sales − ending current AR) × 100, for the period.",
        ["averageDaysToPay"] = "Amount-weighted mean of (clearing date − invoice date) over invoices cleared in the period.",
        ["averageDaysLate"] = "Amount-weighted mean of (clearing date − due date) over invoices cleared in the period; negative when early.",
        ["percentCurrent"] = "Current AR ÷ total AR × 100.",
        ["aging"] = "Open AR by days past due on the due date: Current (not yet due, due today included), 1–30, 31–60, 61–90, 91+; credits are unapplied cash, unlinked credit notes and overpayments.",
        ["promiseKeptRate"] = "Among promises whose promised date + tolerance passed in the period: Kept ÷ evaluated (Partially Kept and Broken likewise), by count and by promised amount.",
        ["costPerCustomer"] = "Σ over the period's actions of the action's unit cost (manual) or automation cost (automated) ÷ customers with open AR at period end.",
        ["dunningEffectiveness"] = "Per dunning level: share of the open amount of dunned invoices cleared within 14 days of the notice.",
    };
}
