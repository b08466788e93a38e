using CollectionsFx.Api.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace CollectionsFx.Functions.Http;

/// <summary>
/// Every HTTP trigger's access rule (<see cref="RouteAccess"/>, by function name) before the function runs, as the local host's
/// endpoint filter does; other triggers pass. The function key (AuthorizationLevel.Function) is checked by the host before this.
/// </summary>
internal sealed class RouteAccessMiddleware(RouteAccess access) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http)
        {
            var customer = context.BindingContext.BindingData.TryGetValue("customerId", out var value) ? value?.ToString() : null;
            if (await access.CheckAsync(http.Request, context.FunctionDefinition.Name, customer, context.CancellationToken).ConfigureAwait(false) is { } denied)
            {
                await denied.ExecuteAsync(http).ConfigureAwait(false);
                return;
            }
        }

        await next(context).ConfigureAwait(false);
    }
}
