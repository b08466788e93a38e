using CollectionsFx.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Api.Http;

/// <summary><c>GET /api/me</c>: who the API sees the caller as, and how the web app should sign users in.</summary>
public sealed class MeHandler(IOptions<AccessOptions> options)
{
    /// <summary>The caller's name and roles with the sign-in mode (and, on the local host, the users to pick from).</summary>
    public IResult Get(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var access = options.Value;
        var roles = Caller.Roles(request);
        var users = access.DevelopmentSignIn
            ? access.DevelopmentUsers.Select(u => new DemoUser(u.Name, u.Title, [.. u.Roles])).ToList()
            : [];
        var signIn = access.DevelopmentSignIn ? "development" : roles is null ? "none" : "platform";
        return Results.Json(
            new SignedInUser(Caller.Name(request), roles?.Where(r => Roles.All.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList() ?? [], signIn, users),
            ApiJson.Options);
    }
}
