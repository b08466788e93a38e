namespace CollectionsFx.Contracts;

/// <summary>The roles of CollectionsFx, as the platform's authentication names them.</summary>
public static class Roles
{
    public const string Cfo = "cfo";
    public const string FinanceLead = "finance-lead";
    public const string Manager = "manager";
    public const string Collector = "collector";

    /// <summary>Every role, broadest first.</summary>
    public static readonly IReadOnlyList<string> All = [Cfo, FinanceLead, Manager, Collector];

    private static readonly string[] BroaderThanCollector = [Cfo, FinanceLead, Manager];

    /// <summary>
    /// True for a collector without a broader role: they see and act on their own portfolio only. The API enforces it; the web
    /// app hides what it would refuse. Role names compare case-insensitively.
    /// </summary>
    public static bool OwnPortfolioOnly(IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var held = roles.ToList();
        return held.Contains(Collector, StringComparer.OrdinalIgnoreCase) && !held.Any(r => BroaderThanCollector.Contains(r, StringComparer.OrdinalIgnoreCase));
    }
}

/// <summary>A user the local host's development sign-in offers (configuration <c>Access:DevelopmentUsers</c>).</summary>
public sealed record DemoUser(string Name, string Title, IReadOnlyList<string> Roles);

/// <summary>
/// <c>GET /api/me</c>: who the API sees. <see cref="SignIn"/> is <c>platform</c> (Static Web Apps / App Service
/// authentication put the principal in), <c>development</c> (the local host: pick one of <see cref="Users"/>) or
/// <c>none</c> (a caller without principal: automation holding the function key).
/// </summary>
public sealed record SignedInUser(string? Name, IReadOnlyList<string> Roles, string SignIn, IReadOnlyList<DemoUser> Users);
