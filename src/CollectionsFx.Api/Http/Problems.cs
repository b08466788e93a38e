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

    /// <summary>A missing exchange rate is the user's data problem, on any route: 422 naming currency and date (PUT /api/rates).</summary>
    public static IResult MissingRate(Domain.Insights.MissingRateException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Create(
            StatusCodes.Status422UnprocessableEntity, "Missing exchange rate", exception.Message, [new FieldError("rates", exception.Message)],
            new Dictionary<string, object?> { ["currency"] = exception.Currency, ["date"] = exception.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>The problem for an exception that is the caller's data problem, not a fault (null: a fault, a 500).</summary>
    public static IResult? ForException(Exception exception) => exception switch
    {
        Domain.Insights.MissingRateException missing => MissingRate(missing),
        AggregateException { InnerExceptions.Count: 1 } aggregate => ForException(aggregate.InnerException!),
        _ => null,
    };

    /// <summary>One field is wrong.</summary>
    public static IResult Field(int status, string title, string field, string message) =>
        Create(status, title, $"{field}: {message}", [new FieldError(field, message)]);
}
