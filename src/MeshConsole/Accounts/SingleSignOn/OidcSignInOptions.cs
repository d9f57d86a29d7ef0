namespace MeshConsole.Accounts.SingleSignOn;

/// <summary>
/// Sign-in through a team's OpenID Connect identity provider. Section
/// <c>Mesh:Authentication:OpenIdConnect</c>; when the section is absent the console signs in with
/// passwords only and nothing here is registered.
/// </summary>
public sealed class OidcSignInOptions
{
    public const string Section = "Mesh:Authentication:OpenIdConnect";

    /// <summary>The authentication scheme of the OpenID Connect handler.</summary>
    public const string Scheme = "oidc";

    /// <summary>Where the provider sends the browser back with the code; register it at the provider.</summary>
    public const string CallbackPath = "/signin-oidc";

    /// <summary>The provider's issuer URL; its <c>/.well-known/openid-configuration</c> is read from there.</summary>
    public string? Authority { get; set; }

    /// <summary>
    /// Whether the metadata and keys must come over https (default true). Only an explicit false
    /// lets <see cref="Authority"/> be http, for a provider on a developer's machine or in tests.
    /// </summary>
    public bool? RequireHttpsMetadata { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The client's secret for a confidential client; unset for a public client (PKCE alone).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The text of the login page's button.</summary>
    public string DisplayName { get; set; } = "Sign in with SSO";

    /// <summary>The ID token claim whose values are looked up in <see cref="RoleMap"/>.</summary>
    public string RoleClaim { get; set; } = "groups";

    /// <summary>Claim value → console role (viewer, operator or admin); the highest mapped role wins.</summary>
    public Dictionary<string, string> RoleMap { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The role of a user none of whose claim values is mapped: <c>none</c> (refused), <c>viewer</c>
    /// or <c>operator</c>. Admin is never a default.
    /// </summary>
    public string DefaultRole { get; set; } = "none";

    /// <summary>Scopes asked for besides <c>openid</c>; <c>profile</c> and <c>email</c> when unset.</summary>
    public List<string> Scopes { get; } = [];

    public const string NoRole = "none";

    public bool HttpsRequired => RequireHttpsMetadata ?? true;
}
