using System.Globalization;
using System.Security.Claims;

namespace MeshConsole.Accounts;

/// <summary>
/// The API token making the call, so a script or <c>meshctl login</c> can say which role it acts with before
/// it is used: a token acts with the lower of its own role and its owner's.
/// </summary>
/// <param name="Name">The actor written into revisions, <c>token:&lt;name&gt;</c>.</param>
/// <param name="Role">viewer, operator or admin.</param>
/// <param name="Owner">The user who owns the token.</param>
/// <param name="ExpiresAt">When the token expires.</param>
public sealed record WhoAmI(string Name, string Role, string Owner, DateTimeOffset ExpiresAt)
{
    /// <summary>The caller's token as its authentication handler described it (the API only takes tokens).</summary>
    internal static WhoAmI Of(ClaimsPrincipal caller) => new(
        Required(caller, ClaimTypes.Name),
        RoleRank.Highest(caller) ?? Required(caller, ClaimTypes.Role),
        Required(caller, ApiTokenAuthenticationHandler.TokenOwnerClaim),
        DateTimeOffset.Parse(Required(caller, ApiTokenAuthenticationHandler.TokenExpiresClaim), CultureInfo.InvariantCulture));

    private static string Required(ClaimsPrincipal caller, string type) =>
        caller.FindFirstValue(type) ?? throw new InvalidOperationException($"the API token's principal has no {type} claim");
}
