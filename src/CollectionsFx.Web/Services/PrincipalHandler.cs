namespace CollectionsFx.Web.Services;

/// <summary>Adds the development sign-in's principal to every API request (<see cref="UserSession.PrincipalHeaders"/>).</summary>
public sealed class PrincipalHandler(UserSession session) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (name, value) in session.PrincipalHeaders())
        {
            request.Headers.Remove(name);
            request.Headers.Add(name, value);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
