using System.Security.Claims;
using Bunit;
using Mesh.Store.Accounts;
using MeshConsole.Accounts;
using MeshConsole.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MeshConsole.Tests.Accounts;

/// <summary>The Users and API tokens pages over real Identity on a fresh SQLite store.</summary>
public sealed class AccountPagesTests : PageTestContext
{
    [Fact]
    public async Task UsersPage_Render_EveryUserWithTheirRole()
    {
        await AccountServicesAsync();
        await CreateUserAsync("root", MeshPolicies.Admin);
        await CreateUserAsync("olga", MeshPolicies.Operator);
        SignInAs("root", MeshPolicies.Admin);

        var page = Render<UsersPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=users-table] tbody tr").Count));
        Assert.Contains("olga", page.Find("[data-testid=users-table]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersPage_CreateUser_AddedWithItsRole()
    {
        await AccountServicesAsync();
        await CreateUserAsync("root", MeshPolicies.Admin);
        SignInAs("root", MeshPolicies.Admin);
        var page = Render<UsersPage>();

        Input(page, "new-user-name").Change("pat");
        Input(page, "new-user-password").Change("a-long-enough-password");
        await page.Find("[data-testid=create-user]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("pat created", page.Find("[data-testid=users-message]").TextContent, StringComparison.Ordinal));
        Assert.Equal(MeshPolicies.Viewer, await RoleOfAsync("pat"));
    }

    [Fact]
    public async Task UsersPage_ShortPassword_ErrorNamingThePasswordAndNoUser()
    {
        await AccountServicesAsync();
        await CreateUserAsync("root", MeshPolicies.Admin);
        SignInAs("root", MeshPolicies.Admin);
        var page = Render<UsersPage>();

        Input(page, "new-user-name").Change("pat");
        Input(page, "new-user-password").Change("short");
        await page.Find("[data-testid=create-user]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("password:", page.Find("[data-testid=users-message]").TextContent, StringComparison.Ordinal));
        Assert.Null(await RoleOfAsync("pat"));
    }

    [Fact]
    public async Task UsersPage_CallerNoLongerAdmin_DeleteRefusedOnTheServer()
    {
        await AccountServicesAsync();
        await CreateUserAsync("root", MeshPolicies.Admin);
        await CreateUserAsync("olga", MeshPolicies.Operator);
        SignInAs("root", MeshPolicies.Admin);
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=users-table] tbody tr").Count));

        // The circuit was opened as an admin; the role is gone by the time of the click.
        SignInAs("root", MeshPolicies.Viewer);
        await page.Find("button[aria-label='Delete olga']").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Only an admin may manage users.", page.Find("[data-testid=users-message]").TextContent, StringComparison.Ordinal));
        Assert.Equal(MeshPolicies.Operator, await RoleOfAsync("olga"));
    }

    [Fact]
    public async Task TokensPage_Create_ValueShownOnceAndListed()
    {
        await AccountServicesAsync();
        var owner = await CreateUserAsync("olga", MeshPolicies.Operator);
        SignInAs("olga", MeshPolicies.Operator, owner.Id);
        var page = Render<TokensPage>();

        Input(page, "new-token-name").Change("ci");
        await page.Find("[data-testid=create-token]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("mat_", page.Find("[data-testid=token-value]").TextContent, StringComparison.Ordinal));
        Assert.Contains("ci", page.Find("[data-testid=tokens-table]").TextContent, StringComparison.Ordinal);
        await using var db = Database.CreateAccountsContext();
        var stored = await db.ApiTokens.SingleAsync();
        Assert.Equal((owner.Id, MeshPolicies.Viewer), (stored.OwnerId, stored.Role));
        Assert.DoesNotContain(stored.Hash, page.Markup, StringComparison.Ordinal);
    }

    /// <summary>The input of a MudTextField, wherever MudBlazor puts the test id.</summary>
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> page, string testId) =>
        page.Find($"input[data-testid={testId}], [data-testid={testId}] input");

    private Task AccountServicesAsync()
    {
        Services.AddLogging();
        Services.AddDataProtection();
        Services.AddDbContext<AccountsDbContext>(builder => AccountsStoreExtensions.Configure(builder, Database.Options));
        Services.AddScoped<ApiTokenStore>();
        Services.AddIdentityCore<ConsoleUser>(AccountRules.Configure)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AccountsDbContext>()
            .AddDefaultTokenProviders();
        Services.AddScoped<UserAdministration>();
        Services.AddScoped<ApiTokenService>();
        return Task.CompletedTask;
    }

    private void SignInAs(string name, string role, string? id = null)
    {
        Authorization.SetAuthorized(name);
        Authorization.SetRoles(role);
        Authorization.SetPolicies(MeshPolicies.Roles.Where(r => RoleRank.Of(r) <= RoleRank.Of(role)).ToArray());
        if (id is not null)
            Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, id));
    }

    private async Task<ConsoleUser> CreateUserAsync(string name, string role)
    {
        await using var scope = Services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var r in MeshPolicies.Roles)
        {
            if (!await roles.RoleExistsAsync(r))
                await roles.CreateAsync(new IdentityRole(r));
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var user = new ConsoleUser { UserName = name };
        Assert.True((await users.CreateAsync(user, "a-long-enough-password")).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return user;
    }

    private async Task<string?> RoleOfAsync(string name)
    {
        await using var scope = Services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        return await users.FindByNameAsync(name) is { } user ? RoleRank.Highest(await users.GetRolesAsync(user)) : null;
    }
}
