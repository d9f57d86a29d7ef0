using System.Security.Claims;
using Mesh.Policy.Validation;
using Mesh.Store.Accounts;
using MeshConsole.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MeshConsole.Accounts;

/// <summary>
/// Personal API tokens: made by their owner with a role no higher than the caller's and an expiry
/// within a year, listed (an admin sees everyone's), revoked by the owner or an admin.
/// </summary>
public sealed class ApiTokenService(ApiTokenStore store, UserManager<ConsoleUser> users, TimeProvider time)
{
    public async Task<(AccountResult Result, CreatedApiToken? Created)> CreateAsync(
        ClaimsPrincipal caller, ApiTokenRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var owner = await users.GetUserAsync(caller).ConfigureAwait(false);
        var callerRole = RoleRank.Highest(caller);
        if (owner is null || callerRole is null)
            return (AccountResult.Refused(AccountOutcome.Forbidden, "", "only a signed-in user or API token may make API tokens"), null);

        var now = time.GetUtcNow();
        var errors = new List<ValidationError>();
        if (!AccountRules.IsName(request.Name))
            errors.Add(new ValidationError("name", $"must be {AccountRules.NameRule}"));
        if (!RoleRank.IsRole(request.Role))
            errors.Add(new ValidationError("role", $"must be one of {string.Join(", ", MeshPolicies.Roles)}"));
        else if (RoleRank.Of(request.Role) > RoleRank.Of(callerRole))
            errors.Add(new ValidationError("role", $"'{request.Role}' is above your own role '{callerRole}'"));
        if (request.ExpiresAt is not { } expires)
            errors.Add(new ValidationError("expiresAt", "is required (at most one year ahead)"));
        else if (expires <= now)
            errors.Add(new ValidationError("expiresAt", "must be in the future"));
        else if (expires > now + AccountRules.MaxTokenLifetime)
            errors.Add(new ValidationError("expiresAt", $"must be at most {AccountRules.MaxTokenLifetime.TotalDays:0} days ahead"));
        if (errors.Count > 0)
            return (AccountResult.Invalid(errors), null);

        var value = TokenFormat.Generate(TokenFormat.ApiTokenPrefix);
        var token = await store.AddAsync(request.Name!, owner.Id, request.Role!, value, now, request.ExpiresAt!.Value, ct).ConfigureAwait(false);
        if (token is null)
            return (AccountResult.Refused(AccountOutcome.Conflict, "name", $"an API token named '{request.Name}' exists (names are unique in the mesh)"), null);
        return (AccountResult.Done, new CreatedApiToken(View(token, owner.UserName ?? owner.Id, now), value));
    }

    /// <summary>The caller's own tokens; an admin's view holds every token.</summary>
    public async Task<IReadOnlyList<ApiTokenView>> ListAsync(ClaimsPrincipal caller, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var callerId = users.GetUserId(caller);
        if (callerId is null)
            return [];
        var all = RoleRank.Highest(caller) == MeshPolicies.Admin;
        var tokens = await store.ListAsync(all ? null : callerId, ct).ConfigureAwait(false);
        var owners = await users.Users.Select(u => new { u.Id, u.UserName }).ToDictionaryAsync(u => u.Id, u => u.UserName ?? u.Id, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return tokens.Select(t => View(t, owners.GetValueOrDefault(t.OwnerId, t.OwnerId), now)).ToList();
    }

    /// <summary>Revokes a token of the caller's own, or anyone's for an admin. Another's token reads as not found.</summary>
    public async Task<AccountResult> RevokeAsync(ClaimsPrincipal caller, long id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var token = await store.GetAsync(id, ct).ConfigureAwait(false);
        if (token is null || (token.OwnerId != users.GetUserId(caller) && RoleRank.Highest(caller) != MeshPolicies.Admin))
            return AccountResult.Refused(AccountOutcome.NotFound, "id", $"API token {id} does not exist");
        await store.RevokeAsync(id, time.GetUtcNow(), ct).ConfigureAwait(false);
        return AccountResult.Done;
    }

    private static ApiTokenView View(ApiToken t, string owner, DateTimeOffset now) => new(
        t.Id, t.Name, owner, t.Role, t.CreatedAt, t.ExpiresAt, t.RevokedAt,
        t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= now ? "expired" : "active");
}
