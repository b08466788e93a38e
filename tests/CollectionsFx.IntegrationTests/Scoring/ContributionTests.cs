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

    [Fact]
    public void The_compiled_forest_scores_exactly_as_ml_net_and_its_contributions_add_up_to_the_score()
    {
        var rng = new Random(11);
        var rows = Enumerable.Range(0, 3_000).Select(_ =>
        {
            var late = (float)rng.NextDouble();
            var days = (float)rng.Next(-90, 40);
            var amount = (float)(2 + (rng.NextDouble() * 3));
            var country = new[] { "DE", "FR", "US", "GB" }[rng.Next(4)];
            return new ModelInput
            {
                PriorLateShare = late, PriorMeanDaysLate = (late * 30) - 5, PriorSettled = rng.Next(0, 40), DaysToDue = days, LogAmount = amount, TermsDays = 30,
                OpenShare = 1, Country = country, Segment = rng.Next(3) == 0 ? "Enterprise" : "Smb",
                // An additive truth (log-odds): a late payer, a long-overdue invoice and a US customer each lower the odds.
                Label = rng.NextDouble() < 1 / (1 + Math.Exp(-((6 * (0.5 - late)) + (days < -30 ? -2 : 0) + (country == "US" ? -1 : 0)))),
            };
        }).ToList();
        var trained = LikelihoodModel.Train(rows, Learner.FastTree);
        using var file = new MemoryStream();
        trained.Save(file);
        var loaded = ModelValidator.Load(file.ToArray());
        var test = rows.Take(500).Append(new ModelInput { Country = "never seen", Segment = "Smb", DaysToDue = 3 }).ToList();

        foreach (var model in new[] { trained, loaded })
        {
            Assert.NotNull(model.Compiled);
            var reference = model.Predict(test);
            var compiled = model.PredictWithContributions(test);
            var mlNet = model.MlNetContributions(test);
            Assert.All(reference.Zip(compiled), p => Assert.Equal(p.First, p.Second.Probability, 5));

            // Additive: the contributions of every row differ from its score's log-odds by the same base value.
            var logOdds = compiled.Select(c => Math.Log(c.Probability / (1 - c.Probability))).ToList();
            var sums = compiled.Select(c => c.Contributions.Sum(x => x.Contribution)).ToList();
            var slope = (logOdds[1] - logOdds[0]) / (sums[1] - sums[0]);
            Assert.All(logOdds.Zip(sums), x => Assert.InRange(x.First - (logOdds[0] + (slope * (x.Second - sums[0]))), -0.01, 0.01)); // probabilities are floats

            // Against the known additive truth (each term's deviation from its mean), the strongest feature is found at least
            // as often as by ML.NET's own contributions.
            static string Top(IReadOnlyList<(string Feature, double Contribution)> c) => c.Count == 0 ? "" : c.GroupBy(x => x.Feature).MaxBy(g => Math.Abs(g.Sum(x => x.Contribution)))!.Key;
            var truth = test.Select(r => Top([
                (nameof(ModelInput.PriorLateShare), 6 * (0.5 - r.PriorLateShare)),
                (nameof(ModelInput.DaysToDue), (r.DaysToDue < -30 ? -2 : 0) + (2 * 60.0 / 130)),
                (nameof(ModelInput.Country), (r.Country == "US" ? -1 : 0) + 0.25)])).ToList();
            var ours = compiled.Zip(truth).Count(p => Top(p.First.Contributions) == p.Second);
            var theirs = mlNet.Zip(truth).Count(p => Top(p.First.Contributions) == p.Second);
            Console.WriteLine($"strongest feature as the truth: compiled forest {ours}, ML.NET {theirs} of {test.Count}");
            Assert.True(ours >= theirs && ours >= 0.55 * test.Count, $"compiled forest {ours}, ML.NET {theirs} of {test.Count}");
        }
    }
}
