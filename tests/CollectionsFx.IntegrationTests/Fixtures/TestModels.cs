using CollectionsFx.Domain.Scoring;
using CollectionsFx.Scoring;
using CollectionsFx.Storage.Scoring;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>Likelihood-to-pay models for tests that need one in the registry.</summary>
internal static class TestModels
{
    /// <summary>A model that learned "long overdue means late" (invoices a month overdue score low).</summary>
    public static BinaryData LongOverduePaysLate()
    {
        var rng = new Random(2);
        var rows = Enumerable.Range(0, 400).Select(_ =>
        {
            var daysToDue = rng.Next(-60, 30);
            return new ModelInput { PriorLateShare = (float)rng.NextDouble(), DaysToDue = daysToDue, TermsDays = 30, Country = "DE", Segment = "MidMarket", Label = daysToDue > -10 ^ rng.NextDouble() < 0.05 };
        }).ToList();
        using var stream = new MemoryStream();
        LikelihoodModel.Train(rows, Learner.FastTree).Save(stream);
        return BinaryData.FromBytes(stream.ToArray());
    }

    /// <summary>Saves <see cref="LongOverduePaysLate"/> as <paramref name="version"/> and makes it the current model.</summary>
    public static async Task PromoteAsync(BlobModelRegistry registry, string version)
    {
        var card = new ModelCard(version, DateTimeOffset.UtcNow, "FastTree", new DateOnly(2024, 1, 1), new DateOnly(2026, 6, 1), new DateOnly(2026, 1, 1), 300, 100, 5, ModelInput.Numeric, 0.8, 0.5, 0.2, 0.03);
        await registry.SaveAsync(card, LongOverduePaysLate());
        await registry.PromoteAsync(version, "test model", DateTimeOffset.UtcNow, m => ModelValidator.Problem(m.ToArray()));
    }
}
