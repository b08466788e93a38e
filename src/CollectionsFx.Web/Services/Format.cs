using System.Globalization;

namespace CollectionsFx.Web.Services;

/// <summary>How amounts, days and percentages read on screen (invariant culture: the app is in English).</summary>
public static class Format
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Money(decimal amount, string? currency) => amount.ToString("N0", Culture) + (currency is null ? "" : " " + currency);

    public static string Money2(decimal amount, string? currency) => amount.ToString("N2", Culture) + (currency is null ? "" : " " + currency);

    /// <summary>Large amounts shortened: 1.2M, 845k.</summary>
    public static string Compact(decimal amount) => Math.Abs(amount) switch
    {
        >= 1_000_000m => (amount / 1_000_000m).ToString("0.0", Culture) + "M",
        >= 10_000m => (amount / 1_000m).ToString("0", Culture) + "k",
        _ => amount.ToString("N0", Culture),
    };

    public static string Percent(double share) => (share * 100).ToString("0", Culture) + "%";

    public static string Number(decimal? value, string unit) => value is { } v ? v.ToString("N1", Culture) + unit : "–";

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", Culture);

    /// <summary>An action's name in words.</summary>
    public static string Action(Domain.Actions.CollectionAction action) => action switch
    {
        Domain.Actions.CollectionAction.Email => "Send reminder e-mail",
        Domain.Actions.CollectionAction.Call => "Call",
        Domain.Actions.CollectionAction.Escalate => "Escalate in CRM",
        Domain.Actions.CollectionAction.SalesSupport => "Ask sales for support",
        Domain.Actions.CollectionAction.PromiseFollowUp => "Follow up the promise",
        Domain.Actions.CollectionAction.DisputeChase => "Chase the dispute",
        Domain.Actions.CollectionAction.CreditHold => "Put on credit hold",
        Domain.Actions.CollectionAction.WriteOffProposal => "Propose a write-off",
        _ => action.ToString(),
    };
}
