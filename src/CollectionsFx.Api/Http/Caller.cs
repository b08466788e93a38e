using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Http;

/// <summary>
/// Who calls: the signed-in principal that Static Web Apps or App Service authentication put in
/// <c>X-MS-CLIENT-PRINCIPAL</c> (Base64 JSON: Static Web Apps' <c>userRoles</c>, or App Service's <c>claims</c> of the
/// <c>role_typ</c> type). A request without it is a system caller holding the function key (automation, the local host).
/// </summary>
public static class Caller
{
    /// <summary>The header with the Base64-encoded principal.</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The role that approves dunning steps and changes automation.</summary>
    public const string Manager = Contracts.Roles.Manager;

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

    /// <summary>The role of a collector: signed in with it (and no broader role), one sees only one's own portfolio.</summary>
    public const string Collector = Contracts.Roles.Collector;

    /// <summary>The signed-in collector's name when the caller may see only their own portfolio; null otherwise.</summary>
    public static string? OwnPortfolioOnly(HttpRequest request) =>
        Roles(request) is { } roles && Contracts.Roles.OwnPortfolioOnly(roles)
            ? Name(request) ?? "?"
            : null;

    /// <summary>The role that publishes team targets (besides managers).</summary>
    public const string FinanceLead = Contracts.Roles.FinanceLead;

    /// <summary>Null when the caller may act with <paramref name="role"/>'s rights; else a 403 problem naming the role.</summary>
    public static IResult? Require(HttpRequest request, string role) => RequireAny(request, role);

    /// <summary>
    /// Null when the caller holds one of <paramref name="roles"/> (or is a system caller without principal); else a 403 problem
    /// naming them.
    /// </summary>
    public static IResult? RequireAny(HttpRequest request, params string[] roles) =>
        Roles(request) is { } held && !roles.Any(r => held.Contains(r, StringComparer.OrdinalIgnoreCase))
            ? Problems.Field(StatusCodes.Status403Forbidden, "Forbidden", "role", roles.Length == 1 ? $"only the '{roles[0]}' role may do this" : $"only the roles {string.Join(", ", roles.Select(r => $"'{r}'"))} may do this")
            : null;
}
