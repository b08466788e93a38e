namespace CollectionsFx.Contracts;

/// <summary>The score of one open invoice from one run.</summary>
public sealed record InvoiceScore(
    string CustomerId, string InvoiceId, double Likelihood, string RiskBand, string ModelVersion, string RunId, DateOnly AsOf, decimal OpenAmount,
    IReadOnlyList<string> Reasons, DateOnly? ExpectedPayDate = null);

/// <summary>A customer's roll-up from one run: weighted likelihood, band, value at stake (DOMAIN.md §7).</summary>
public sealed record CustomerScore(string CustomerId, double Likelihood, string RiskBand, decimal ValueAtStake, decimal OverdueAmount, string ModelVersion, string RunId, DateOnly AsOf);
