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
            nameof(InvoiceFeatures.PriorLateShare) => late.ToString(inv) + " of the last " + Whole(f.PriorSettled) + " invoices were paid late",
            nameof(InvoiceFeatures.PriorMeanDaysLate) when f.ColdStart > 0 => "no payment history of its own",
            nameof(InvoiceFeatures.PriorMeanDaysLate) => f.PriorMeanDaysLate >= 0
                ? "pays on average " + Whole(f.PriorMeanDaysLate) + " days after the due date"
                : "pays on average " + Whole(-f.PriorMeanDaysLate) + " days before the due date",
            nameof(InvoiceFeatures.PriorSettled) => Whole(f.PriorSettled) + " invoices paid before",
            nameof(InvoiceFeatures.ColdStart) => f.ColdStart > 0 ? "new customer" : "known customer",
            nameof(InvoiceFeatures.PriorDisputes) => Whole(f.PriorDisputes) + " disputes opened before",
            nameof(InvoiceFeatures.PriorBrokenPromises) => Whole(f.PriorBrokenPromises) + " promises to pay broken before",
            nameof(InvoiceFeatures.AmountVsMean) => string.Create(inv, $"amount is {f.AmountVsMean:0.0}× the customer's usual invoice"),
            nameof(InvoiceFeatures.LogAmount) => "invoice of " + Grouped(Math.Pow(10, f.LogAmount) - 1),
            nameof(InvoiceFeatures.TermsDays) => Whole(f.TermsDays) + "-day payment terms",
            nameof(InvoiceFeatures.DaysToDue) => f.DaysToDue < 0 ? Whole(-f.DaysToDue) + " days overdue" : "due in " + Whole(f.DaysToDue) + " days",
            nameof(InvoiceFeatures.OpenShare) => Whole(f.OpenShare * 100) + "% of the invoice still open",
            nameof(InvoiceFeatures.LogOpenBalance) => "open balance of " + Grouped(Math.Pow(10, f.LogOpenBalance) - 1),
            nameof(InvoiceFeatures.BalanceTrend) => f.BalanceTrend >= 1
                ? "open balance up " + Whole((f.BalanceTrend - 1) * 100) + "% in 30 days"
                : "open balance down " + Whole((1 - f.BalanceTrend) * 100) + "% in 30 days",
            nameof(InvoiceFeatures.Paperless) => f.Paperless > 0 ? "invoice sent electronically" : "invoice sent on paper",
            nameof(InvoiceFeatures.Country) => "customer in " + f.Country,
            nameof(InvoiceFeatures.Segment) => "segment " + f.Segment,
            _ => feature,
        };
    }

    // Integer formatting instead of custom numeric formats: this runs for three reasons of every scored invoice. Rounding is
    // away from zero, as the "0" and "#,##0" formats round.
    private static string Whole(double value) => ((long)Math.Round(value, MidpointRounding.AwayFromZero)).ToString(CultureInfo.InvariantCulture);

    private static string Grouped(double value) => ((long)Math.Round(value, MidpointRounding.AwayFromZero)).ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The <paramref name="count"/> largest contributions (by size) as reasons, each saying whether it raises or lowers the likelihood.</summary>
    /// <remarks>Runs once per scored invoice: contributions of one feature (one-hot slots) are summed in place, no LINQ.</remarks>
    public static IReadOnlyList<ScoreReason> Top(IEnumerable<(string Feature, double Contribution)> contributions, InvoiceFeatures features, int count = 3)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        var merged = new List<(string Feature, double Contribution)>(16);
        foreach (var (feature, contribution) in contributions)
        {
            if (contribution == 0)
            {
                continue;
            }

            var at = 0;
            while (at < merged.Count && !string.Equals(merged[at].Feature, feature, StringComparison.Ordinal))
            {
                at++;
            }

            if (at == merged.Count)
            {
                merged.Add((feature, contribution));
            }
            else
            {
                merged[at] = (feature, merged[at].Contribution + contribution);
            }
        }

        // The largest by size first; equal sizes keep their first-seen order (a stable selection of the top few).
        var reasons = new List<ScoreReason>(count);
        var taken = new bool[merged.Count];
        for (var r = 0; r < count; r++)
        {
            var best = -1;
            for (var k = 0; k < merged.Count; k++)
            {
                if (!taken[k] && merged[k].Contribution != 0 && (best < 0 || Math.Abs(merged[k].Contribution) > Math.Abs(merged[best].Contribution)))
                {
                    best = k;
                }
            }

            if (best < 0)
            {
                break;
            }

            taken[best] = true;
            var (feature, contribution) = merged[best];
            reasons.Add(new ScoreReason(feature, contribution, (contribution > 0 ? "raises: " : "lowers: ") + Describe(feature, features)));
        }

        return reasons;
    }

    /// <summary>The reasons in words of many scored invoices at once (in parallel, in order): what a scoring batch stores.</summary>
    public static string[][] Texts(IReadOnlyList<IReadOnlyList<(string Feature, double Contribution)>> contributions, IReadOnlyList<InvoiceFeatures> features, int count = 3)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        ArgumentNullException.ThrowIfNull(features);
        var texts = new string[features.Count][];
        Parallel.For(0, features.Count, i => texts[i] = [.. Top(contributions[i], features[i], count).Select(r => r.Text)]);
        return texts;
    }
}
