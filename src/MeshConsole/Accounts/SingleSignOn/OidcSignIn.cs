using System.Security.Claims;
using System.Text;
using Mesh.Store.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MeshConsole.Accounts.SingleSignOn;

/// <summary>
/// Turns a verified ID token into a console session: finds the console user linked to the
/// provider's subject (or creates one), gives it the role its claims map to at every sign-in, and
/// signs in with the ordinary Identity cookie, so roles, actors and revalidation work as for a
/// password sign-in.
/// </summary>
internal sealed partial class OidcSignIn(
    UserManager<ConsoleUser> users, SignInManager<ConsoleUser> signIn, IOptions<OidcSignInOptions> options, ILogger<OidcSignIn> logger)
{
    private const int MaxNameLength = 64;

    /// <summary>Signs the user in and returns null, or returns why not (having granted nothing).</summary>
    public async Task<SsoProblem?> SignInAsync(ClaimsPrincipal external)
    {
        ArgumentNullException.ThrowIfNull(external);
        var subject = external.FindFirstValue("sub");
        var issuer = external.FindFirstValue("iss") ?? external.FindFirst("sub")?.Issuer;
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(issuer))
        {
            LogNoSubject(logger);
            return SsoProblem.Failed;
        }

        var role = RoleOf(external, options.Value);
        // The issuer names the provider: two providers may hand out the same subject.
        var user = await users.FindByLoginAsync(issuer, subject).ConfigureAwait(false);
        if (user is null)
        {
            if (role is null)
            {
                LogNoRole(logger, subject, options.Value.RoleClaim);
                return SsoProblem.NoRole;
            }

            user = await CreateAsync(issuer, subject, NameOf(external, subject)).ConfigureAwait(false);
            if (user is null)
                return SsoProblem.Failed;
        }

        await SetRoleAsync(user, role).ConfigureAwait(false);
        if (role is null)
        {
            LogNoRole(logger, subject, options.Value.RoleClaim);
            return SsoProblem.NoRole;
        }

        if (await users.IsLockedOutAsync(user).ConfigureAwait(false) || !await signIn.CanSignInAsync(user).ConfigureAwait(false))
        {
            LogLockedOut(logger, user.UserName ?? user.Id);
            return SsoProblem.LockedOut;
        }

        await signIn.SignInAsync(user, isPersistent: false).ConfigureAwait(false);
        LogSignedIn(logger, user.UserName ?? user.Id, role, issuer);
        return null;
    }

    /// <summary>The highest role among the mapped claim values, else DefaultRole, else null.</summary>
    internal static string? RoleOf(ClaimsPrincipal external, OidcSignInOptions sso)
    {
        ArgumentNullException.ThrowIfNull(external);
        ArgumentNullException.ThrowIfNull(sso);
        var mapped = external.FindAll(sso.RoleClaim)
            .Select(c => sso.RoleMap.TryGetValue(c.Value, out var role) ? role : null)
            .OfType<string>();
        return RoleRank.Highest(mapped) ?? (sso.DefaultRole == OidcSignInOptions.NoRole ? null : sso.DefaultRole);
    }

    /// <summary>preferred_username, else email, else the subject, made a valid console user name.</summary>
    internal static string NameOf(ClaimsPrincipal external, string subject)
    {
        var wanted = new[] { external.FindFirstValue("preferred_username"), external.FindFirstValue("email"), subject }
            .First(n => !string.IsNullOrWhiteSpace(n))!;
        var name = new StringBuilder(wanted.Length);
        foreach (var c in wanted)
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        var trimmed = name.ToString().TrimStart('.', '_', '-');
        // Room for a "-NN" suffix when the name is taken.
        trimmed = trimmed.Length > MaxNameLength - 4 ? trimmed[..(MaxNameLength - 4)] : trimmed;
        return trimmed.Length == 0 ? "sso-user" : trimmed;
    }

    private async Task<ConsoleUser?> CreateAsync(string issuer, string subject, string name)
    {
        var user = new ConsoleUser { UserName = await UniqueNameAsync(name).ConfigureAwait(false) };
        // No password: such a user signs in through the provider unless an admin sets one.
        var created = await users.CreateAsync(user).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            LogNotCreated(logger, user.UserName!, string.Join("; ", created.Errors.Select(e => e.Description)));
            return null;
        }

        try
        {
            var linked = await users.AddLoginAsync(user, new UserLoginInfo(issuer, subject, OidcSignInOptions.Scheme)).ConfigureAwait(false);
            if (linked.Succeeded)
                return user;
        }
        catch (DbUpdateException)
        {
            // Another replica (or a double click) linked this subject first: use its user.
        }

        await users.DeleteAsync(user).ConfigureAwait(false);
        return await users.FindByLoginAsync(issuer, subject).ConfigureAwait(false);
    }

    private async Task<string> UniqueNameAsync(string name)
    {
        if (await users.FindByNameAsync(name).ConfigureAwait(false) is null)
            return name;
        for (var n = 2; n < 100; n++)
        {
            var candidate = $"{name}-{n}";
            if (await users.FindByNameAsync(candidate).ConfigureAwait(false) is null)
                return candidate;
        }

        var unique = $"{name}-{Guid.NewGuid():N}";
        return unique.Length > MaxNameLength ? unique[..MaxNameLength] : unique;
    }

    /// <summary>The provider is the truth for these users: a role taken away there goes here too.</summary>
    private async Task SetRoleAsync(ConsoleUser user, string? role)
    {
        var current = await users.GetRolesAsync(user).ConfigureAwait(false);
        if (role is null ? current.Count == 0 : current.Count == 1 && current[0] == role)
            return;
        if (current.Count > 0)
            await users.RemoveFromRolesAsync(user, current).ConfigureAwait(false);
        if (role is not null)
            await users.AddToRoleAsync(user, role).ConfigureAwait(false);
        // A new stamp ends the user's open sessions at their next check, as an admin's role change does.
        await users.UpdateSecurityStampAsync(user).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in refused: the ID token has no sub or iss claim")]
    private static partial void LogNoSubject(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "OpenID Connect sign-in of subject {Subject} refused: no value of its '{RoleClaim}' claim is in RoleMap and DefaultRole is none")]
    private static partial void LogNoRole(ILogger logger, string subject, string roleClaim);

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenID Connect sign-in of '{User}' refused: the user is locked out")]
    private static partial void LogLockedOut(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in could not create user '{User}': {Errors}")]
    private static partial void LogNotCreated(ILogger logger, string user, string errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "'{User}' signed in through {Issuer} with role {Role}")]
    private static partial void LogSignedIn(ILogger logger, string user, string role, string issuer);
}
