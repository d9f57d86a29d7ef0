using System.Security.Claims;
using Mesh.Policy.Validation;
using Mesh.Store.Accounts;
using MeshConsole.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MeshConsole.Accounts;

/// <summary>
/// What an admin does to users: create with a role, change the role, reset the password, unlock,
/// delete. The mesh always keeps an admin: the last one can be neither demoted nor deleted, also when two
/// admins act at once (<see cref="AdminChanges"/>). Every method checks the caller is an admin itself,
/// whichever page or endpoint calls it.
/// </summary>
public sealed class UserAdministration(UserManager<ConsoleUser> users, AccountsDbContext db, TimeProvider time)
{
    public async Task<IReadOnlyList<UserView>> ListAsync(CancellationToken ct = default)
    {
        var all = await users.Users.OrderBy(u => u.UserName).ToListAsync(ct).ConfigureAwait(false);
        var views = new List<UserView>(all.Count);
        foreach (var user in all)
            views.Add(await ViewAsync(user).ConfigureAwait(false));
        return views;
    }

    public async Task<AccountResult> CreateAsync(ClaimsPrincipal caller, UserRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Forbidden(caller) is { } refused)
            return refused;
        var errors = new List<ValidationError>();
        if (!AccountRules.IsName(request.UserName))
            errors.Add(new ValidationError("userName", $"must be {AccountRules.NameRule}"));
        if (!RoleRank.IsRole(request.Role))
            errors.Add(new ValidationError("role", $"must be one of {string.Join(", ", MeshPolicies.Roles)}"));
        if (string.IsNullOrEmpty(request.Password))
            errors.Add(new ValidationError("password", $"is required (at least {AccountRules.MinPasswordLength} characters)"));
        if (errors.Count > 0)
            return AccountResult.Invalid(errors);
        if (await users.FindByNameAsync(request.UserName!).ConfigureAwait(false) is not null)
            return AccountResult.Refused(AccountOutcome.Conflict, "userName", $"a user named '{request.UserName}' exists");

        var user = new ConsoleUser { UserName = request.UserName };
        var created = await users.CreateAsync(user, request.Password!).ConfigureAwait(false);
        if (!created.Succeeded)
            return FromIdentity(created);
        await users.AddToRoleAsync(user, request.Role!).ConfigureAwait(false);
        return AccountResult.Done;
    }

    public async Task<AccountResult> SetRoleAsync(ClaimsPrincipal caller, string userName, string? role)
    {
        if (Forbidden(caller) is { } refused)
            return refused;
        if (!RoleRank.IsRole(role))
            return AccountResult.Invalid([new ValidationError("role", $"must be one of {string.Join(", ", MeshPolicies.Roles)}")]);
        await using var turn = await AdminChanges.BeginAsync(db).ConfigureAwait(false);
        if (await users.FindByNameAsync(userName).ConfigureAwait(false) is not { } user)
            return NotFound(userName);
        var current = await users.GetRolesAsync(user).ConfigureAwait(false);
        if (role != MeshPolicies.Admin && current.Contains(MeshPolicies.Admin) && await IsLastAdminAsync(user).ConfigureAwait(false))
            return AccountResult.Refused(AccountOutcome.Conflict, "role", $"'{userName}' is the last admin: make another admin first");
        await users.RemoveFromRolesAsync(user, current).ConfigureAwait(false);
        await users.AddToRoleAsync(user, role!).ConfigureAwait(false);
        // A new stamp ends the user's open sessions at their next check, so the old role stops working.
        await users.UpdateSecurityStampAsync(user).ConfigureAwait(false);
        await turn.CommitAsync().ConfigureAwait(false);
        return AccountResult.Done;
    }

    public async Task<AccountResult> ResetPasswordAsync(ClaimsPrincipal caller, string userName, string? password)
    {
        if (Forbidden(caller) is { } refused)
            return refused;
        if (string.IsNullOrEmpty(password))
            return AccountResult.Invalid([new ValidationError("password", $"is required (at least {AccountRules.MinPasswordLength} characters)")]);
        if (await users.FindByNameAsync(userName).ConfigureAwait(false) is not { } user)
            return NotFound(userName);
        var reset = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user).ConfigureAwait(false), password).ConfigureAwait(false);
        return reset.Succeeded ? AccountResult.Done : FromIdentity(reset);
    }

    public async Task<AccountResult> UnlockAsync(ClaimsPrincipal caller, string userName)
    {
        if (Forbidden(caller) is { } refused)
            return refused;
        if (await users.FindByNameAsync(userName).ConfigureAwait(false) is not { } user)
            return NotFound(userName);
        await users.SetLockoutEndDateAsync(user, null).ConfigureAwait(false);
        await users.ResetAccessFailedCountAsync(user).ConfigureAwait(false);
        return AccountResult.Done;
    }

    /// <summary>Deletes the user and, with them, their API tokens.</summary>
    public async Task<AccountResult> DeleteAsync(ClaimsPrincipal caller, string userName)
    {
        if (Forbidden(caller) is { } refused)
            return refused;
        await using var turn = await AdminChanges.BeginAsync(db).ConfigureAwait(false);
        if (await users.FindByNameAsync(userName).ConfigureAwait(false) is not { } user)
            return NotFound(userName);
        if (await users.IsInRoleAsync(user, MeshPolicies.Admin).ConfigureAwait(false) && await IsLastAdminAsync(user).ConfigureAwait(false))
            return AccountResult.Refused(AccountOutcome.Conflict, "userName", $"'{userName}' is the last admin: make another admin first");
        var deleted = await users.DeleteAsync(user).ConfigureAwait(false);
        if (!deleted.Succeeded)
            return FromIdentity(deleted);
        await turn.CommitAsync().ConfigureAwait(false);
        return AccountResult.Done;
    }

    private async Task<UserView> ViewAsync(ConsoleUser user)
    {
        var role = RoleRank.Highest(await users.GetRolesAsync(user).ConfigureAwait(false)) ?? "none";
        var lockedOut = user.LockoutEnd is { } end && end > time.GetUtcNow() ? end : (DateTimeOffset?)null;
        return new UserView(user.UserName ?? user.Id, role, lockedOut);
    }

    private async Task<bool> IsLastAdminAsync(ConsoleUser user) =>
        (await users.GetUsersInRoleAsync(MeshPolicies.Admin).ConfigureAwait(false)).All(u => u.Id == user.Id);

    private static AccountResult? Forbidden(ClaimsPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return RoleRank.Highest(caller) == MeshPolicies.Admin
            ? null
            : AccountResult.Refused(AccountOutcome.Forbidden, "", "only an admin may manage users");
    }

    private static AccountResult NotFound(string userName) =>
        AccountResult.Refused(AccountOutcome.NotFound, "userName", $"user '{userName}' does not exist");

    private static AccountResult FromIdentity(IdentityResult result) => AccountResult.Invalid(result.Errors
        .Select(e => new ValidationError(e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "userName", e.Description))
        .ToList());
}
