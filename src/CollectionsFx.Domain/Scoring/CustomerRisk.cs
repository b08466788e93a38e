namespace CollectionsFx.Domain.Scoring;

/// <summary>A scored open invoice as the customer roll-up needs it (open amount in the reporting currency).</summary>
public sealed record ScoredInvoice(string InvoiceId, DateOnly DueDate, decimal OpenAmount, double Likelihood);

/// <summary>A customer's risk (DOMAIN.md §7): its open-amount-weighted likelihood and band, and its value at stake.</summary>
public sealed record CustomerRisk(string CustomerId, double Likelihood, string RiskBand, decimal ValueAtStake, decimal OverdueAmount);

/// <summary>Customer roll-ups of invoice scores and the expected pay date of an invoice.</summary>
public static class CustomerRiskCalculator
{
    /// <summary>Days ahead of <c>asOf</c> within which a not-yet-due invoice counts toward the value at stake.</summary>
    public const int DueSoonDays = 14;

    /// <summary>
    /// DOMAIN.md §7: the band of the open amount-weighted mean likelihood; value at stake = Σ over invoices overdue or due within
    /// 14 days of open amount × (1 − likelihood).
    /// </summary>
    public static CustomerRisk Of(string customerId, IReadOnlyList<ScoredInvoice> invoices, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(invoices);
        var open = invoices.Where(i => i.OpenAmount > 0).ToList();
        var weight = open.Sum(i => i.OpenAmount);
        var likelihood = weight > 0 ? (double)open.Sum(i => i.OpenAmount * (decimal)i.Likelihood) / (double)weight : 1.0;
        var atStake = open.Where(i => i.DueDate.DayNumber <= asOf.DayNumber + DueSoonDays).Sum(i => i.OpenAmount * (decimal)(1 - i.Likelihood));
        var overdue = open.Where(i => asOf > i.DueDate).Sum(i => i.OpenAmount);
        return new CustomerRisk(customerId, likelihood, FeatureBuilder.RiskBand(likelihood), Math.Round(atStake, 2), overdue);
    }

    /// <summary>
    /// A first estimate of when the invoice will be paid: its due date moved by the customer's mean days late (the population's
    /// for a new customer), never before tomorrow. The 13-week cash forecast replaces it with a days-to-pay model.
    /// </summary>
    public static DateOnly ExpectedPayDate(InvoiceFeatures features, DateOnly dueDate)
    {
        ArgumentNullException.ThrowIfNull(features);
        var expected = dueDate.AddDays((int)Math.Round(features.PriorMeanDaysLate));
        return expected > features.AsOf ? expected : features.AsOf.AddDays(1);
    }
}
