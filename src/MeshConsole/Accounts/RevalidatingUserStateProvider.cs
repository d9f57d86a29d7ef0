using System.Security.Claims;
using Mesh.Store.Accounts;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MeshConsole.Accounts;

/// <summary>
/// A circuit lives for hours and keeps the principal it started with. Every few minutes this checks
/// the user's security stamp, which changes when an admin changes their role, resets their
/// password or deletes them; the circuit then loses its sign-in.
/// </summary>
internal sealed class RevalidatingUserStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> identity)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        return await IsCurrentAsync(users, authenticationState.User).ConfigureAwait(false);
    }

    private async Task<bool> IsCurrentAsync(UserManager<ConsoleUser> users, ClaimsPrincipal principal)
    {
        var user = await users.GetUserAsync(principal).ConfigureAwait(false);
        if (user is null)
            return false;
        if (!users.SupportsUserSecurityStamp)
            return true;
        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp == await users.GetSecurityStampAsync(user).ConfigureAwait(false);
    }
}
