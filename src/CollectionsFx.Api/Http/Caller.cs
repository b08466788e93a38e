using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Http;

/// <summary>
/// Who calls: the signed-in principal that Static Web Apps or App Service authentication put in
/// <c>X-MS-CLIENT-PRINCIPAL</c> (Base64 JSON: Static Web Apps' <c>userRoles</c>, or App Service's <c>claims</c> of the
/// <c>role_typ</c> type). A request without it is a system caller holding the function key (automation, the local host).
/// What each role may call is <see cref="RouteAccess"/>'s table.
/// </summary>
public static class Caller
{
    /// <summary>The header with the Base64-encoded principal.</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The signed-in user's name (<see cref="Insights.InsightsHandler.PrincipalHeader"/>), if any.</summary>
    public static string? Name(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers[Insights.InsightsHandler.PrincipalHeader].ToString() is { Length: > 0 } name ? name : null;
    }

    /// <summary>The principal's roles; null when the request carries no principal; empty when it is unreadable.</summary>
    public static IReadOnlyList<string>? Roles(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[PrincipalHeader].ToString();
        if (header.Length == 0)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(header)));
            var root = json.RootElement;
            if (root.TryGetProperty("userRoles", out var roles) && roles.ValueKind == JsonValueKind.Array)
            {
                return [.. roles.EnumerateArray().Select(r => r.GetString()).OfType<string>()];
            }

            var roleType = root.TryGetProperty("role_typ", out var t) ? t.GetString() : "roles";
            return root.TryGetProperty("claims", out var claims) && claims.ValueKind == JsonValueKind.Array
                ? [.. claims.EnumerateArray().Where(c => c.TryGetProperty("typ", out var typ) && (typ.GetString() == roleType || typ.GetString() == "roles"))
                    .Select(c => c.TryGetProperty("val", out var v) ? v.GetString() : null).OfType<string>()]
                : [];
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return [];
        }
    }

    /// <summary>The signed-in collector's name when the caller may see only their own portfolio; null otherwise.</summary>
    public static string? OwnPortfolioOnly(HttpRequest request) =>
        Roles(request) is { } roles && Contracts.Roles.OwnPortfolioOnly(roles)
            ? Name(request) ?? "?"
            : null;
}
