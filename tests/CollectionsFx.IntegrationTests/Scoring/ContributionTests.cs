using CollectionsFx.Scoring;

namespace CollectionsFx.IntegrationTests.Scoring;

/// <summary>Feature contributions for both learners, trained in this process (the chain is typed) and loaded from a file (it is not).</summary>
/// <remarks>In the stack's collection so that no two tests train ML.NET models in this process at once.</remarks>
[Collection(Fixtures.StackCollection.Name)]
public sealed class ContributionTests
{
    [Theory]
    [InlineData(Learner.FastTree)]
    [InlineData(Learner.LogisticRegression)]
    public void The_feature_that_drives_the_label_has_the_largest_contributions(Learner learner)
    {
        var rng = new Random(5);
        var rows = Enumerable.Range(0, 600).Select(_ =>
        {
            var late = (float)rng.NextDouble();
            return new ModelInput { PriorLateShare = late, TermsDays = 30 + rng.Next(3), Country = rng.Next(2) == 0 ? "DE" : "FR", Segment = "Smb", Label = late < 0.5 };
        }).ToList();
        var trained = LikelihoodModel.Train(rows, learner);
        using var file = new MemoryStream();
        trained.Save(file);
        var loaded = ModelValidator.Load(file.ToArray());

        foreach (var model in new[] { trained, loaded })
        {
            var scored = model.PredictWithContributions(rows.Take(50).ToList());
            var strongest = scored.SelectMany(s => s.Contributions).GroupBy(c => c.Feature).OrderByDescending(g => g.Sum(c => Math.Abs(c.Contribution))).First().Key;
            Assert.Equal(nameof(ModelInput.PriorLateShare), strongest);
            Assert.All(scored, s => Assert.InRange(s.Probability, 0, 1));
        }
    }
}
