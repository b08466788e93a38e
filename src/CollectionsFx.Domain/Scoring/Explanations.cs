using System.Globalization;

namespace CollectionsFx.Domain.Scoring;

/// <summary>One reason behind a score: the feature, how much it moved the score (positive raises the likelihood) and the words.</summary>
public sealed record ScoreReason(string Feature, double Contribution, string Text);

/// <summary>Turns a feature and its value into the words a collector reads ("4 of the last 6 invoices were paid late").</summary>
public static class Explanations
{
    /// <summary>The words for <paramref name="feature"/> of <paramref name="f"/>; the direction is said by the caller.</summary>
    public static string Describe(string feature, InvoiceFeatures f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var inv = CultureInfo.InvariantCulture;
        var late = (int)Math.Round(f.PriorLateShare * f.PriorSettled);
        return feature switch
        {
            nameof(InvoiceFeatures.PriorLateShare) when f.ColdStart > 0 => "new customer: no payment history yet",
            nameof(InvoiceFeatures.PriorLateShare) => string.Create(inv, $"{late} of the last {f.PriorSettled:0} invoices were paid late"),
            nameof(InvoiceFeatures.PriorMeanDaysLate) when f.ColdStart > 0 => "no payment history of its own",
            nameof(InvoiceFeatures.PriorMeanDaysLate) => f.PriorMeanDaysLate >= 0
                ? string.Create(inv, $"pays on average {f.PriorMeanDaysLate:0} days after the due date")
                : string.Create(inv, $"pays on average {-f.PriorMeanDaysLate:0} days before the due date"),
            nameof(InvoiceFeatures.PriorSettled) => string.Create(inv, $"{f.PriorSettled:0} invoices paid before"),
            nameof(InvoiceFeatures.ColdStart) => f.ColdStart > 0 ? "new customer" : "known customer",
            nameof(InvoiceFeatures.PriorDisputes) => string.Create(inv, $"{f.PriorDisputes:0} disputes opened before"),
            nameof(InvoiceFeatures.PriorBrokenPromises) => string.Create(inv, $"{f.PriorBrokenPromises:0} promises to pay broken before"),
            nameof(InvoiceFeatures.AmountVsMean) => string.Create(inv, $"amount is {f.AmountVsMean:0.0}× the customer's usual invoice"),
            nameof(InvoiceFeatures.LogAmount) => string.Create(inv, $"invoice of {Math.Pow(10, f.LogAmount) - 1:#,##0}"),
            nameof(InvoiceFeatures.TermsDays) => string.Create(inv, $"{f.TermsDays:0}-day payment terms"),
            nameof(InvoiceFeatures.DaysToDue) => f.DaysToDue < 0 ? string.Create(inv, $"{-f.DaysToDue:0} days overdue") : string.Create(inv, $"due in {f.DaysToDue:0} days"),
            nameof(InvoiceFeatures.OpenShare) => string.Create(inv, $"{f.OpenShare * 100:0}% of the invoice still open"),
            nameof(InvoiceFeatures.LogOpenBalance) => string.Create(inv, $"open balance of {Math.Pow(10, f.LogOpenBalance) - 1:#,##0}"),
            nameof(InvoiceFeatures.BalanceTrend) => f.BalanceTrend >= 1
                ? string.Create(inv, $"open balance up {(f.BalanceTrend - 1) * 100:0}% in 30 days")
                : string.Create(inv, $"open balance down {(1 - f.BalanceTrend) * 100:0}% in 30 days"),
            nameof(InvoiceFeatures.Paperless) => f.Paperless > 0 ? "invoice sent electronically" : "invoice sent on paper",
            nameof(InvoiceFeatures.Country) => "customer in " + f.Country,
            nameof(InvoiceFeatures.Segment) => "segment " + f.Segment,
            _ => feature,
        };
    }

    /// <summary>The <paramref name="count"/> largest contributions (by size) as reasons, each saying whether it raises or lowers the likelihood.</summary>
    public static IReadOnlyList<ScoreReason> Top(IEnumerable<(string Feature, double Contribution)> contributions, InvoiceFeatures features, int count = 3) =>
        contributions
            .Where(c => c.Contribution != 0)
            .GroupBy(c => c.Feature, StringComparer.Ordinal)
            .Select(g => (Feature: g.Key, Contribution: g.Sum(c => c.Contribution)))
            .OrderByDescending(c => Math.Abs(c.Contribution))
            .Take(count)
            .Select(c => new ScoreReason(c.Feature, c.Contribution, (c.Contribution > 0 ? "raises: " : "lowers: ") + Describe(c.Feature, features)))
            .ToList();
}
