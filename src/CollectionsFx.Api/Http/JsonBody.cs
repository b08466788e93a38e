using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Http;

/// <summary>Small JSON request bodies of the command routes (scoring, models, dunning).</summary>
public static class JsonBody
{
    /// <summary>The fields of an optional JSON object body (empty without a body), or a 400 problem when it is not one.</summary>
    public static async Task<(Dictionary<string, JsonElement> Body, IResult? Problem)> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return ([], null);
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return (doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal), null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return ([], Problems.Field(StatusCodes.Status400BadRequest, "Malformed JSON", "body", ex.Message));
        }
    }

    /// <summary>A string field's value; null for anything else.</summary>
    public static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
