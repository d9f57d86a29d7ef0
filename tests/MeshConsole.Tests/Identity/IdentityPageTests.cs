using Bunit;
using Mesh.Store;
using MeshConsole.Data;
using MeshConsole.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace MeshConsole.Tests.Identity;

/// <summary>The Identity page on a real SQLite store, with the console's real role policies deciding.</summary>
public sealed class IdentityPageTests : PageTestContext
{
    [Fact]
    public async Task Render_ShowsTheActiveCaAndTokens()
    {
        AddIdentity(MeshPolicies.Viewer);
        await CreateTokenAsync("ci");

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Contains("CN=Mesh CA 1, O=mesh.local", page.Find("[data-testid=ca-table]").TextContent, StringComparison.Ordinal));
        Assert.Contains("ci", page.Find("[data-testid=tokens-table]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeToken_Viewer_RefusedAndNothingChanged()
    {
        AddIdentity(MeshPolicies.Viewer);
        await CreateTokenAsync("ci");
        var page = RenderPage();
        page.WaitForElement("[data-testid=revoke-token-ci]");

        page.Find("[data-testid=revoke-token-ci]").Click();

        page.WaitForAssertion(() => Assert.Contains("Only admins may revoke join tokens.", page.Find("[data-testid=identity-notice]").TextContent, StringComparison.Ordinal));
        await using var db = Database.CreateContext();
        Assert.Null((await db.JoinTokens.SingleAsync()).RevokedAt);
    }

    [Fact]
    public async Task RevokeToken_Admin_RevokedByThem()
    {
        AddIdentity(MeshPolicies.Admin);
        await CreateTokenAsync("ci");
        var page = RenderPage();
        page.WaitForElement("[data-testid=revoke-token-ci]");

        page.Find("[data-testid=revoke-token-ci]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=revoke-token-ci]")));
        await using var db = Database.CreateContext();
        Assert.Equal("alice", (await db.JoinTokens.SingleAsync()).RevokedBy);
    }

    [Fact]
    public async Task RotateCa_OperatorConfirms_RefusedAndOneCa()
    {
        AddIdentity(MeshPolicies.Operator);
        var page = RenderPage();
        page.WaitForElement("[data-testid=rotate-ca]");

        page.Find("[data-testid=rotate-ca]").Click();
        page.WaitForElement("[data-testid=confirm-rotation]").Click();

        page.WaitForAssertion(() => Assert.Contains("Only admins may rotate the CA.", page.Find("[data-testid=identity-notice]").TextContent, StringComparison.Ordinal));
        await using var db = Database.CreateContext();
        Assert.Equal(1, await db.CertificateAuthorities.CountAsync());
    }

    [Fact]
    public async Task RotateCa_AdminConfirms_NewActiveCa()
    {
        AddIdentity(MeshPolicies.Admin);
        var page = RenderPage();
        page.WaitForElement("[data-testid=rotate-ca]");

        page.Find("[data-testid=rotate-ca]").Click();
        page.WaitForElement("[data-testid=confirm-rotation]").Click();

        page.WaitForAssertion(() => Assert.Contains("CN=Mesh CA 2, O=mesh.local", page.Find("[data-testid=ca-table]").TextContent, StringComparison.Ordinal));
        await using var db = Database.CreateContext();
        Assert.Equal(2, await db.CertificateAuthorities.CountAsync());
    }

    [Fact]
    public async Task CreateToken_Admin_ValueShownOnceAndItsHashStored()
    {
        AddIdentity(MeshPolicies.Admin);
        var page = RenderPage();
        page.WaitForElement("[data-testid=create-token]").Click();

        page.WaitForElement("input[data-testid=token-name]").Change("deploy");
        page.Find("[data-testid=confirm-create]").Click();

        var value = page.WaitForElement("[data-testid=token-value]").TextContent;
        Assert.True(JoinTokens.IsWellFormed(value));
        await using var db = Database.CreateContext();
        Assert.Equal(JoinTokens.Hash(value), (await db.JoinTokens.SingleAsync()).Hash);
        page.Find("[data-testid=close-create]").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=token-value]")));
        Assert.DoesNotContain(value, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateToken_BadName_ErrorNamedAndNothingCreated()
    {
        AddIdentity(MeshPolicies.Admin);
        var page = RenderPage();
        page.WaitForElement("[data-testid=create-token]").Click();

        page.WaitForElement("input[data-testid=token-name]").Change("Not A Label");
        page.Find("[data-testid=confirm-create]").Click();

        page.WaitForAssertion(() => Assert.Contains("is not a DNS label", page.Markup, StringComparison.Ordinal));
        using var db = Database.CreateContext();
        Assert.Empty(db.JoinTokens);
    }

    /// <summary>The page beside the providers its dialogs render into, as in the console's layout.</summary>
    private IRenderedComponent<Bunit.Rendering.ContainerFragment> RenderPage() => Render(builder =>
    {
        builder.OpenComponent<MudPopoverProvider>(0);
        builder.CloseComponent();
        builder.OpenComponent<MudDialogProvider>(1);
        builder.CloseComponent();
        builder.OpenComponent<IdentityPage>(2);
        builder.CloseComponent();
    });

    private void AddIdentity(string role)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("alice");
        auth.SetRoles(role);
        // The real policies decide, from the roles bunit's user holds.
        Services.AddAuthorizationCore(o => o.AddMeshPolicies());
        Services.AddSingleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>();
        Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddLogging();
        Services.AddSingleton(Options.Create(new IdentityOptions()));
        Services.AddSingleton<ConfigChangeFeed>();
        Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        Services.AddSingleton<MeshAuthority>();
        Services.AddScoped<IdentityAdmin>();
    }

    private async Task CreateTokenAsync(string name)
    {
        await using var db = Database.CreateContext();
        await new JoinTokenStore(db).CreateAsync(new Mesh.Store.Entities.JoinToken
        {
            Name = name,
            Hash = JoinTokens.Hash(JoinTokens.Generate()),
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
            CreatedAt = DateTimeOffset.UtcNow,
            CreatedBy = "bob",
        });
    }
}
