using System.Security.Claims;
using MeshConsole.Data;

namespace MeshConsole.Accounts;

/// <summary>Orders the roles (viewer &lt; operator &lt; admin) to compare what two principals may do.</summary>
internal static class RoleRank
{
    /// <summary>0 for viewer, 1 operator, 2 admin; -1 for anything else.</summary>
    public static int Of(string? role) => role switch
    {
        MeshPolicies.Viewer => 0,
        MeshPolicies.Operator => 1,
        MeshPolicies.Admin => 2,
        _ => -1,
    };

    /// <summary>The highest role among the principal's role claims, or null when it has none.</summary>
    public static string? Highest(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.FindAll(ClaimTypes.Role).Select(c => c.Value).Where(r => Of(r) >= 0).MaxBy(Of);
    }

    /// <summary>The highest of the given role names, or null when none is a console role.</summary>
    public static string? Highest(IEnumerable<string> roles) => roles.Where(r => Of(r) >= 0).MaxBy(Of);

    public static string Lower(string a, string b) => Of(a) <= Of(b) ? a : b;

    public static bool IsRole(string? role) => Of(role) >= 0;
}
