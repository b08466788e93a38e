using CollectionsFx.Domain.Scoring;

namespace CollectionsFx.Domain.Tests.Scoring;

public sealed class PromotionRuleTests
{
    private static ModelCard Card(double auc, double calibrationError) => new(
        "v2", DateTimeOffset.UnixEpoch, "FastTree", new DateOnly(2024, 1, 1), new DateOnly(2025, 12, 31), new DateOnly(2025, 6, 1), 1000, 300, 5,
        ["PriorLateShare"], auc, 0.4, 0.12, calibrationError);

    [Theory]
    [InlineData(0.900, 0.02, null, true, "first model")]
    [InlineData(0.900, 0.02, 0.903, true, "promoted")] // 0.003 worse: within tolerance
    [InlineData(0.900, 0.02, 0.905, true, "promoted")] // exactly 0.005 worse
    [InlineData(0.900, 0.02, 0.9051, false, "worse than the current model")]
    [InlineData(0.950, 0.06, 0.900, false, "calibration error")]
    [InlineData(double.NaN, 0.01, 0.900, false, "undefined")]
    public void A_model_is_promoted_only_if_not_worse_by_more_than_the_tolerance_and_calibrated(double auc, double calibrationError, double? current, bool promote, string reason)
    {
        var decision = PromotionRule.Decide(Card(auc, calibrationError), current);

        Assert.Equal(promote, decision.Promote);
        Assert.Contains(reason, decision.Reason, StringComparison.Ordinal);
    }
}
