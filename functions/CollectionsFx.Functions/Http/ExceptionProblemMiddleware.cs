using CollectionsFx.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Functions.Http;

/// <summary>
/// The one place where an unhandled exception of an HTTP trigger becomes problem details: the caller's data problems
/// (<see cref="Problems.ForException"/>) as their 4xx, storage failing for now as a 503 with Retry-After, anything else as a 500.
/// </summary>
internal sealed partial class ExceptionProblemMiddleware(ILogger<ExceptionProblemMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.GetHttpContext() is { Response.HasStarted: false } http && Problems.ForException(ex) is { } problem)
        {
            if (Problems.IsTransient(ex))
            {
                LogUnavailable(logger, context.FunctionDefinition.Name, ex); // storage failing for now: a 503 with Retry-After
            }

            await problem.ExecuteAsync(http).ConfigureAwait(false); // the caller's data problem or a transient outage, not a fault
        }
        catch (Exception ex) when (context.GetHttpContext() is { Response.HasStarted: false } http)
        {
            LogFailure(logger, context.FunctionDefinition.Name, ex);
            await Problems.Create(StatusCodes.Status500InternalServerError, "Internal error", "The request failed; it is safe to retry: every webhook is idempotent.")
                .ExecuteAsync(http).ConfigureAwait(false);
        }
    }

    [LoggerMessage(2, LogLevel.Warning, "Function {Function}: storage unavailable, answered 503")]
    private static partial void LogUnavailable(ILogger logger, string function, Exception exception);

    [LoggerMessage(1, LogLevel.Error, "Function {Function} failed")]
    private static partial void LogFailure(ILogger logger, string function, Exception exception);
}
