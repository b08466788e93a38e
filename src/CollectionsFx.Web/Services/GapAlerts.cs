using CollectionsFx.Contracts;
using CollectionsFx.Domain.Insights;

namespace CollectionsFx.Web.Services;

/// <summary>An execution gap kind whose money at stake grew between two dates.</summary>
public sealed record GapAlert(GapKind Kind, int Gaps, int GapsBefore, decimal MoneyAtStake, decimal MoneyAtStakeBefore)
{
    public decimal Growth => MoneyAtStake - MoneyAtStakeBefore;

    /// <summary>The alert in words, e.g. "Overdue with no contact: +12,400 EUR at stake since 2026-11-28 (31 → 35 customers)".</summary>
    public string Text(string currency, DateOnly since) =>
        $"{GapAlerts.Name(Kind)}: +{Format.Money(Growth, currency)} at stake since {Format.Date(since)} ({GapsBefore} → {Gaps} gaps)";
}

/// <summary>Which execution gaps grew (DOMAIN.md §8), comparing the gap summary now with the one of an earlier date.</summary>
public static class GapAlerts
{
    /// <summary>Kinds whose money at stake grew by more than <paramref name="threshold"/> (reporting currency), largest growth first.</summary>
    public static IReadOnlyList<GapAlert> Growing(GapsResponse now, GapsResponse before, decimal threshold = 0m)
    {
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(before);
        var earlier = before.Summary.ToDictionary(s => s.Kind);
        return now.Summary
            .Select(s => earlier.TryGetValue(s.Kind, out var b)
                ? new GapAlert(s.Kind, s.Gaps, b.Gaps, s.MoneyAtStake, b.MoneyAtStake)
                : new GapAlert(s.Kind, s.Gaps, 0, s.MoneyAtStake, 0m))
            .Where(a => a.Growth > threshold)
            .OrderByDescending(a => a.Growth)
            .ToList();
    }

    /// <summary>A gap kind's name in words.</summary>
    public static string Name(GapKind kind) => kind switch
    {
        GapKind.HighValueAtRisk => "High value at risk",
        GapKind.BrokenPromisePattern => "Broken promise pattern",
        GapKind.OverdueNoContact => "Overdue with no contact in 14 days",
        GapKind.DunningWhileDisputed => "Dunned while disputed (violation)",
        GapKind.ReminderAfterPayment => "Reminder after payment (violation)",
        GapKind.CreditLimitExceeded => "Invoiced over the credit limit",
        GapKind.DisputeOpenTooLong => "Dispute open too long",
        GapKind.CustomerNeverReached => "Customer never reached",
        _ => kind.ToString(),
    };
}
