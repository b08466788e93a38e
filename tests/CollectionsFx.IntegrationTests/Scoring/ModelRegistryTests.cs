using CollectionsFx.Domain.Scoring;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Scoring;
using Azure.Storage.Blobs.Specialized;
using CollectionsFx.Storage.Scoring;
using Microsoft.ML;

namespace CollectionsFx.IntegrationTests.Scoring;

/// <summary>The model registry on Azurite Blobs: promotion, refusal of bad files, rollback.</summary>
[Collection(StackCollection.Name)]
public sealed class ModelRegistryTests(StackFixture stack)
{
    private static readonly DateTimeOffset T = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    private static ModelCard Card(string version, int day) => new(
        version, T.AddDays(day), "FastTree", new DateOnly(2024, 1, 1), new DateOnly(2025, 12, 31), new DateOnly(2025, 6, 1), 500, 200, 5,
        ModelInput.Numeric, 0.9, 0.35, 0.11, 0.02);

    private static string? Validate(BinaryData model) => ModelValidator.Problem(model.ToArray());

    /// <summary>A small real model: the label follows the prior late share.</summary>
    private static BinaryData TrainedModel(int seed)
    {
        var rng = new Random(seed);
        var rows = Enumerable.Range(0, 300).Select(_ =>
        {
            var late = (float)rng.NextDouble();
            return new ModelInput { PriorLateShare = late, TermsDays = 30, Country = "DE", Segment = "Smb", Label = rng.NextDouble() > late };
        }).ToList();
        using var stream = new MemoryStream();
        LikelihoodModel.Train(rows, Learner.LogisticRegression, seed).Save(stream);
        return BinaryData.FromBytes(stream.ToArray());
    }

    /// <summary>A valid ML.NET model of other inputs.</summary>
    private static BinaryData OtherSchemaModel()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(i => new Other { X = i, Label = i % 2 == 0 }));
        var model = ml.Transforms.Concatenate("Features", nameof(Other.X)).Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression()).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        return BinaryData.FromBytes(stream.ToArray());
    }

    private sealed class Other
    {
        public float X { get; set; }

        public bool Label { get; set; }
    }

    [Fact]
    public async Task Promotion_refusal_of_bad_files_and_rollback_keep_one_current_model_with_its_history()
    {
        // A container of its own: the registry's history is asserted whole.
        var container = stack.Layout.Models.GetParentBlobServiceClient().GetBlobContainerClient("models-" + Guid.NewGuid().ToString("N")[..8]);
        await container.CreateIfNotExistsAsync();
        var registry = new BlobModelRegistry(container);

        Assert.Null(await registry.CurrentAsync());
        await registry.SaveAsync(Card("v1", 0), TrainedModel(1));
        await registry.PromoteAsync("v1", "first model", T, Validate);
        Assert.Equal("v1", (await registry.CurrentAsync())!.Value.Card.Version);

        await registry.SaveAsync(Card("v2", 1), BinaryData.FromString("not a model"));
        var corrupt = await Assert.ThrowsAsync<ModelRefusedException>(() => registry.PromoteAsync("v2", "newer", T.AddDays(1), Validate));
        Assert.Contains("not a readable ML.NET model", corrupt.Message, StringComparison.Ordinal);

        await registry.SaveAsync(Card("v3", 2), OtherSchemaModel());
        var mismatch = await Assert.ThrowsAsync<ModelRefusedException>(() => registry.PromoteAsync("v3", "newer", T.AddDays(2), Validate));
        Assert.Contains("PriorLateShare", mismatch.Message, StringComparison.Ordinal);
        Assert.Equal("v1", (await registry.CurrentAsync())!.Value.Card.Version);

        await registry.SaveAsync(Card("v4", 3), TrainedModel(4));
        await registry.PromoteAsync("v4", "promoted: better", T.AddDays(3), Validate);
        var cards = (await registry.ListAsync()).ToDictionary(c => c.Version);
        Assert.Equal((ModelStatus.Retired, ModelStatus.Candidate, ModelStatus.Candidate, ModelStatus.Current), (cards["v1"].Status, cards["v2"].Status, cards["v3"].Status, cards["v4"].Status));

        Assert.Equal("v1", await registry.RollbackAsync(null, T.AddDays(4), Validate));
        var state = await registry.StateAsync();
        Assert.Equal("v1", state.Current);
        Assert.Equal(["promoted", "refused", "refused", "promoted", "promoted"], state.History.Select(h => h.Action));
        Assert.Contains("rolled back from v4", state.History[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(ModelStatus.Retired, (await registry.ListAsync()).Single(c => c.Version == "v4").Status);
        Assert.NotNull(ModelValidator.Load((await registry.CurrentAsync())!.Value.Model.ToArray()));
    }
}
