using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CollectionsFx.Functions.Http;

/// <summary>Lets a trigger return the shared handlers' <see cref="IResult"/> through the ASP.NET Core integration.</summary>
internal sealed class ResultActionResult(IResult result) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
}

/// <summary>Adapts handler results.</summary>
internal static class ResultExtensions
{
    public static IActionResult ToActionResult(this IResult result) => new ResultActionResult(result);

    public static async Task<IActionResult> ToActionResult(this Task<IResult> result) => new ResultActionResult(await result.ConfigureAwait(false));
}
