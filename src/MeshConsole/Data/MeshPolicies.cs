using Microsoft.AspNetCore.Authorization;

namespace MeshConsole.Data;

/// <summary>
/// The console's three roles and the authorization policies named after them. Roles nest: an
/// operator may do what a viewer may, an admin what an operator may. A user or API token holds one
/// role, as a <see cref="System.Security.Claims.ClaimTypes.Role"/> claim.
/// </summary>
public static class MeshPolicies
{
    /// <summary>Reads everything: pages, policies, history, topology, sidecars.</summary>
    public const string Viewer = "viewer";

    /// <summary>Changes traffic: routes, resilience, faults, experiments.</summary>
    public const string Operator = "operator";

    /// <summary>Changes who may do what: access policy, users, API tokens, join tokens, the CA.</summary>
    public const string Admin = "admin";

    /// <summary>Sends telemetry: any API token, or a join token (a sidecar exporting its metrics); no role needed.</summary>
    public const string Ingest = "ingest";

    public static IReadOnlyList<string> Roles { get; } = [Viewer, Operator, Admin];

    public static AuthorizationOptions AddMeshPolicies(this AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Viewer, p => p.RequireRole(Viewer, Operator, Admin));
        options.AddPolicy(Operator, p => p.RequireRole(Operator, Admin));
        options.AddPolicy(Admin, p => p.RequireRole(Admin));
        return options;
    }
}
