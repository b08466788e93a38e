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
        _ when IsTransient(exception) => new RetryAfter(Create(
            StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable",
            "Storage did not answer in time (its client's retries are spent); retry in a few seconds: every command is idempotent."), RetryAfterSeconds),
        _ => null,
    };

    /// <summary>The seconds a 503 asks the caller to wait.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// Whether <paramref name="exception"/> is storage failing for now (no connection, a timeout, throttling, a 5xx), not our
    /// fault nor the caller's: a 503 with Retry-After rather than a 500.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        Azure.RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        TimeoutException => true,
        AggregateException { InnerExceptions.Count: 1 } aggregate => IsTransient(aggregate.InnerException!),
        _ => false,
    };

    /// <summary>One field is wrong.</summary>
    public static IResult Field(int status, string title, string field, string message) =>
        Create(status, title, $"{field}: {message}", [new FieldError(field, message)]);

    /// <summary>A problem answered with a <c>Retry-After</c> header.</summary>
    private sealed class RetryAfter(IResult problem, int seconds) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => (problem as IStatusCodeHttpResult)?.StatusCode;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return problem.ExecuteAsync(httpContext);
        }
    }
}
