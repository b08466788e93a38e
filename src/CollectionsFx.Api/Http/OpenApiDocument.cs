using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Http;

/// <summary>
/// The OpenAPI 3.1 document of the HTTP API, written by hand next to <see cref="Routes"/> (the Functions face has no
/// endpoint metadata to generate it from); a test checks that it lists exactly the routes and operation names both faces expose.
/// </summary>
public static class OpenApiDocument
{
    private static readonly Lazy<byte[]> Bytes = new(() =>
    {
        using var stream = typeof(OpenApiDocument).Assembly.GetManifestResourceStream("openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>The document's JSON text.</summary>
    public static string Text => System.Text.Encoding.UTF8.GetString(Bytes.Value);

    /// <summary>The document as an HTTP result.</summary>
    public static IResult Result() => Results.Bytes(Bytes.Value, "application/json");
}
