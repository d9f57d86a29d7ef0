using MeshConsole.Data;
using Microsoft.Extensions.Options;

namespace MeshConsole.Accounts.SingleSignOn;

/// <summary>Refuses an OpenID Connect configuration the console could not sign anyone in with, naming the key.</summary>
internal sealed class OidcSignInOptionsValidator : IValidateOptions<OidcSignInOptions>
{
    private const string Prefix = OidcSignInOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, OidcSignInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Authority))
            failures.Add($"{Prefix}Authority is required: the identity provider's issuer URL, e.g. https://login.example.com/realms/mesh.");
        else if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            failures.Add($"{Prefix}Authority must be an absolute https URL, was '{options.Authority}'.");
        else if (authority.Scheme == "http" && options.HttpsRequired)
        {
            failures.Add($"{Prefix}Authority must be https, was '{options.Authority}'; "
                + $"set {Prefix}RequireHttpsMetadata=false to allow http (a provider on this machine, tests).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
            failures.Add($"{Prefix}ClientId is required: the client id registered at the identity provider.");
        if (string.IsNullOrWhiteSpace(options.DisplayName))
            failures.Add($"{Prefix}DisplayName must not be empty: it is the login page's button text.");
        if (string.IsNullOrWhiteSpace(options.RoleClaim))
            failures.Add($"{Prefix}RoleClaim must not be empty: it names the claim read for roles, e.g. groups or roles.");
        foreach (var (value, role) in options.RoleMap)
        {
            if (!RoleRank.IsRole(role))
                failures.Add($"{Prefix}RoleMap:{value} must be one of {string.Join(", ", MeshPolicies.Roles)}, was '{role}'.");
        }

        if (options.DefaultRole is not (OidcSignInOptions.NoRole or MeshPolicies.Viewer or MeshPolicies.Operator))
            failures.Add($"{Prefix}DefaultRole must be none, viewer or operator, was '{options.DefaultRole}'.");
        else if (options.DefaultRole == OidcSignInOptions.NoRole && options.RoleMap.Count == 0)
            failures.Add($"{Prefix}RoleMap is empty and DefaultRole is none: no one could sign in; map a claim value to a role.");
        for (var i = 0; i < options.Scopes.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Scopes[i]) || options.Scopes[i].Any(char.IsWhiteSpace))
                failures.Add($"{Prefix}Scopes:{i} must be one scope without spaces, was '{options.Scopes[i]}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
