using Azure;
using CollectionsFx.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Hosting;

/// <summary>
/// Storage failing for now (no connection, timeouts, throttling, 5xx after its client's retries) is answered as a 503 with
/// Retry-After by both hosts, not a 500; anything else keeps its own answer.
/// </summary>
public sealed class TransientFailureTests
{
    public static TheoryData<Exception, int?> Cases() => new()
    {
        { new RequestFailedException(0, "connection refused"), 503 },
        { new RequestFailedException(408, "timeout"), 503 },
        { new RequestFailedException(429, "throttled"), 503 },
        { new RequestFailedException(500, "internal"), 503 },
        { new RequestFailedException(503, "server busy"), 503 },
        { new AggregateException(new RequestFailedException(503, "server busy")), 503 },
        { new TimeoutException(), 503 },
        { new RequestFailedException(404, "not found"), null },
        { new RequestFailedException(409, "conflict"), null },
        { new RequestFailedException(412, "condition not met"), null },
        { new InvalidOperationException(), null },
        { new Domain.Insights.MissingRateException("USD", new DateOnly(2026, 1, 1), "EUR"), 422 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_failure_is_answered_by_what_it_is(Exception failure, int? status)
    {
        var problem = Problems.ForException(failure);
        Assert.Equal(status is 503, Problems.IsTransient(failure));
        if (status is null)
        {
            Assert.Null(problem);
            return;
        }

        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        http.Response.Body = new MemoryStream();
        await problem!.ExecuteAsync(http);
        Assert.Equal(status, http.Response.StatusCode);
        Assert.Equal(status == 503 ? Problems.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : null, http.Response.Headers.RetryAfter.FirstOrDefault());
        http.Response.Body.Position = 0;
        Assert.Contains(status == 503 ? "Temporarily unavailable" : "Missing exchange rate", await new StreamReader(http.Response.Body).ReadToEndAsync(), StringComparison.Ordinal);
    }
}
