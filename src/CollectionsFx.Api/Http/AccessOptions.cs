using CollectionsFx.Contracts;

namespace CollectionsFx.Api.Http;

/// <summary>
/// Sign-in settings (section <c>Access</c>). In Azure the platform signs users in and puts the principal (with its roles) in
/// the request; the local host instead offers a development sign-in: the web app lets one pick one of
/// <see cref="DevelopmentUsers"/> and sends that user's principal itself. Never set <see cref="DevelopmentSignIn"/> in Azure.
/// </summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>True on the local host only: the web app offers <see cref="DevelopmentUsers"/> to sign in as.</summary>
    public bool DevelopmentSignIn { get; set; }

    /// <summary>The users the development sign-in offers.</summary>
    public List<DevelopmentUser> DevelopmentUsers { get; set; } = [];

    /// <summary>A user of the development sign-in.</summary>
    public sealed class DevelopmentUser
    {
        public string Name { get; set; } = "";

        public string Title { get; set; } = "";

        public List<string> Roles { get; set; } = [];
    }
}
