using Mesh.Store.Accounts;
using MeshConsole.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MeshConsole.Accounts;

/// <summary>
/// At start (after the store migrator): the three roles, an <c>admin</c> user when there is no
/// user, and the <c>bootstrap</c> API token when configured. Replicas starting together on one
/// Postgres may race; whoever loses finds the row made and goes on.
/// </summary>
internal sealed partial class AccountBootstrapper(
    IServiceScopeFactory scopes, IOptions<BootstrapOptions> options, TimeProvider time, ILogger<AccountBootstrapper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in MeshPolicies.Roles)
        {
            if (!await roles.RoleExistsAsync(role).ConfigureAwait(false))
                await Tolerate(() => roles.CreateAsync(new IdentityRole(role))).ConfigureAwait(false);
        }

        var users = services.GetRequiredService<UserManager<ConsoleUser>>();
        if (!await users.Users.AnyAsync(cancellationToken).ConfigureAwait(false))
            await CreateAdminAsync(users).ConfigureAwait(false);

        if (options.Value.ApiToken is { Length: > 0 } value)
            await CreateTokenAsync(services, users, value, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CreateAdminAsync(UserManager<ConsoleUser> users)
    {
        var generated = string.IsNullOrEmpty(options.Value.AdminPassword);
        var password = generated ? GeneratePassword() : options.Value.AdminPassword!;
        var admin = new ConsoleUser { UserName = AccountRules.BootstrapAdmin };
        var created = await Tolerate(() => users.CreateAsync(admin, password)).ConfigureAwait(false);
        if (created is not { Succeeded: true })
            return;
        await users.AddToRoleAsync(admin, MeshPolicies.Admin).ConfigureAwait(false);
        if (generated)
            LogGeneratedPassword(logger, AccountRules.BootstrapAdmin, password);
        else
            LogAdminCreated(logger, AccountRules.BootstrapAdmin);
    }

    private async Task CreateTokenAsync(IServiceProvider services, UserManager<ConsoleUser> users, string value, CancellationToken ct)
    {
        var tokens = services.GetRequiredService<ApiTokenStore>();
        if ((await tokens.ListAsync(ct: ct).ConfigureAwait(false)).Any(t => t.Name == AccountRules.BootstrapToken))
            return;
        var admin = (await users.GetUsersInRoleAsync(MeshPolicies.Admin).ConfigureAwait(false)).OrderBy(u => u.UserName, StringComparer.Ordinal).FirstOrDefault();
        if (admin is null)
            return;
        var now = time.GetUtcNow();
        if (await tokens.AddAsync(AccountRules.BootstrapToken, admin.Id, MeshPolicies.Admin, value, now, now + AccountRules.MaxTokenLifetime, ct).ConfigureAwait(false) is not null)
            LogTokenCreated(logger, AccountRules.BootstrapToken, admin.UserName ?? admin.Id);
    }

    /// <summary>A losing replica's insert fails on the unique index; the winner's row is as good.</summary>
    private static async Task<IdentityResult?> Tolerate(Func<Task<IdentityResult>> create)
    {
        try
        {
            return await create().ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            return null;
        }
    }

    private static string GeneratePassword() =>
        System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));

    [LoggerMessage(Level = LogLevel.Warning, Message = "No console user existed: created user '{User}' (role admin) with the generated password {Password} . "
        + "It is written only this once: sign in at /account/login and keep it safe, or set Mesh:Bootstrap:AdminPassword before the first start")]
    private static partial void LogGeneratedPassword(ILogger logger, string user, string password);

    [LoggerMessage(Level = LogLevel.Information, Message = "No console user existed: created user '{User}' (role admin) with the password of Mesh:Bootstrap:AdminPassword")]
    private static partial void LogAdminCreated(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the API token '{Token}' (role admin, owner {Owner}) from Mesh:Bootstrap:ApiToken")]
    private static partial void LogTokenCreated(ILogger logger, string token, string owner);
}
