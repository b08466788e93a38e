using System.Text;
using System.Text.Json;
using CollectionsFx.Contracts;

namespace CollectionsFx.Web.Services;

/// <summary>
/// Who uses the app. In Azure the platform signs users in and the API sees their principal; on the local host the development
/// sign-in keeps the picked demo user here (and in the browser's local storage) and <see cref="PrincipalHandler"/> sends that
/// user's principal with every request, as Static Web Apps would.
/// </summary>
public sealed class UserSession
{
    /// <summary>The local storage key of the development sign-in.</summary>
    public const string StorageKey = "cfx.user";

    /// <summary>What the API said about the caller, once asked.</summary>
    public SignedInUser? Me { get; private set; }

    /// <summary>The development sign-in's user, if one is picked.</summary>
    public DemoUser? DevelopmentUser { get; private set; }

    /// <summary>Raised when the signed-in user changes.</summary>
    public event Action? Changed;

    /// <summary>The user's display name.</summary>
    public string? Name => DevelopmentUser?.Name ?? Me?.Name;

    /// <summary>The user's roles.</summary>
    public IReadOnlyList<string> Roles => DevelopmentUser?.Roles ?? Me?.Roles ?? [];

    /// <summary>True once someone is signed in (or the API sees a principal).</summary>
    public bool SignedIn => Roles.Count > 0;

    /// <summary>True when the user has <paramref name="role"/>.</summary>
    public bool Has(string role) => Roles.Contains(role, StringComparer.OrdinalIgnoreCase);

    /// <summary>True for a collector without a broader role: they see only their own portfolio.</summary>
    public bool OwnPortfolioOnly => Contracts.Roles.OwnPortfolioOnly(Roles);

    /// <summary>The view a user lands on: the one of their broadest role.</summary>
    public string HomePath =>
        Has(Contracts.Roles.Cfo) ? "control-center"
        : Has(Contracts.Roles.FinanceLead) ? "collections"
        : Has(Contracts.Roles.Manager) ? "steering"
        : Has(Contracts.Roles.Collector) ? "worklist"
        : "signin";

    /// <summary>Records what the API answered to <c>GET /api/me</c>.</summary>
    public void SetMe(SignedInUser me)
    {
        Me = me;
        if (DevelopmentUser is not null && me.Users.All(u => u.Name != DevelopmentUser.Name))
        {
            DevelopmentUser = null;
        }

        Changed?.Invoke();
    }

    /// <summary>Signs in as a demo user (development sign-in), or out with null.</summary>
    public void SetDevelopmentUser(DemoUser? user)
    {
        DevelopmentUser = user;
        Changed?.Invoke();
    }

    /// <summary>
    /// The principal headers the platform would add for the development user (Static Web Apps' format), or none. The API reads
    /// exactly these (<c>X-MS-CLIENT-PRINCIPAL</c>, <c>X-MS-CLIENT-PRINCIPAL-NAME</c>).
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> PrincipalHeaders()
    {
        if (DevelopmentUser is not { } user)
        {
            yield break;
        }

        var principal = JsonSerializer.Serialize(new
        {
            identityProvider = "development",
            userId = user.Name,
            userDetails = user.Name,
            userRoles = new[] { "anonymous", "authenticated" }.Concat(user.Roles),
        });
        yield return new("X-MS-CLIENT-PRINCIPAL", Convert.ToBase64String(Encoding.UTF8.GetBytes(principal)));
        yield return new("X-MS-CLIENT-PRINCIPAL-NAME", user.Name);
    }
}
