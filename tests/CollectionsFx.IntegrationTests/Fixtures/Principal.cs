using System.Text;
using System.Text.Json;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>Requests as a signed-in user: the principal headers Static Web Apps puts on what it forwards to the API.</summary>
internal static class Principal
{
    /// <summary>A request from <paramref name="name"/> holding <paramref name="roles"/> (besides the platform's <c>authenticated</c>).</summary>
    public static HttpRequestMessage Request(HttpMethod method, string url, string name, params string[] roles)
    {
        var principal = JsonSerializer.Serialize(new { identityProvider = "aad", userId = name, userDetails = name, userRoles = roles.Prepend("authenticated") });
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL", Convert.ToBase64String(Encoding.UTF8.GetBytes(principal)));
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-NAME", name);
        return request;
    }
}
