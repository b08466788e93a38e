using System.Reflection;
using CollectionsFx.Api.Http;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Ingestion;

/// <summary>Serves the published JSON Schema of each accepted event type.</summary>
public static class SchemaCatalog
{
    /// <summary>The schema text of <paramref name="type"/>, or null.</summary>
    public static string? Find(string type)
    {
        if (!EventTypes.All.Contains(type))
        {
            return null;
        }

        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"schemas/{type}.schema.json");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Handles <c>GET /api/schemas</c>.</summary>
    public static IResult List(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var baseUrl = $"{request.Scheme}://{request.Host}/{Routes.Prefix}/schemas/";
        return Results.Json(EventTypes.All.Select(t => new { type = t, schema = baseUrl + t }), IngestionJson.Options);
    }

    /// <summary>Handles <c>GET /api/schemas/{type}</c>.</summary>
    public static IResult Get(string type) =>
        Find(type) is { } text
            ? Results.Text(text, "application/schema+json")
            : Problems.Field(StatusCodes.Status404NotFound, "Unknown event type", "type", $"no schema for '{type}'");
}
