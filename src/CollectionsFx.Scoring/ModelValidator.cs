using Microsoft.ML;
using Microsoft.ML.Data;

namespace CollectionsFx.Scoring;

/// <summary>Decides whether a stored model file may serve: it must load, and expect exactly the features of <see cref="ModelInput"/>.</summary>
public static class ModelValidator
{
    /// <summary>Null when <paramref name="model"/> is fine; otherwise the reason in words.</summary>
    public static string? Problem(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        DataViewSchema schema;
        try
        {
            using var stream = new MemoryStream(model, writable: false);
            new MLContext().Model.Load(stream, out schema);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or IOException or System.IO.InvalidDataException or ArgumentException or NotSupportedException)
        {
            return $"the file is not a readable ML.NET model ({ex.GetType().Name}: {ex.Message})";
        }

        var expected = ModelInput.Numeric.Select(n => (n, (DataViewType)NumberDataViewType.Single))
            .Concat([(nameof(ModelInput.Country), TextDataViewType.Instance), (nameof(ModelInput.Segment), TextDataViewType.Instance)]);
        var missing = expected.Where(e => schema.GetColumnOrNull(e.Item1) is not { } c || !c.Type.Equals(e.Item2)).Select(e => e.Item1).ToList();
        return missing.Count == 0 ? null : $"its input schema does not match the features: missing or different {string.Join(", ", missing)}";
    }

    /// <summary>Loads a validated model for scoring.</summary>
    public static LikelihoodModel Load(byte[] model)
    {
        if (Problem(model) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var ml = new MLContext();
        using var stream = new MemoryStream(model, writable: false);
        var transformer = ml.Model.Load(stream, out var schema);
        return new LikelihoodModel(ml, transformer, schema);
    }
}
