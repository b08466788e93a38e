using CollectionsFx.Storage.Blobs;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Http;

/// <summary>RFC 7807 problem details, the one error shape of the HTTP API.</summary>
public static class Problems
{
    /// <summary>A problem response naming the offending fields.</summary>
    public static IResult Create(int status, string title, string detail, IReadOnlyList<FieldError>? errors = null, IDictionary<string, object?>? extensions = null)
    {
        var ext = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>());
        if (errors is { Count: > 0 })
        {
            ext["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToList();
        }

        return Results.Problem(detail: detail, statusCode: status, title: title, type: $"https://collectionsfx.dev/problems/{status}", extensions: ext);
    }

    /// <summary>One field is wrong.</summary>
    public static IResult Field(int status, string title, string field, string message) =>
        Create(status, title, $"{field}: {message}", [new FieldError(field, message)]);
}
