using System.Net;
using Mesh.Store;
using Mesh.Testing;
using MeshConsole.Accounts.SingleSignOn;

namespace MeshConsole.Tests.Accounts.SingleSignOn;

/// <summary>A console whose provider does not answer: the button leads to a page that says so, and passwords still work.</summary>
public sealed class UnreachableProviderTests : IAsyncLifetime
{
    private const string Key = OidcSignInOptions.Section + ":";

    private TestDatabase _database = null!;
    private KestrelConsole _console = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        // A port handed out for nothing: no one listens there.
        _console = new KestrelConsole(_database, new Dictionary<string, string>
        {
            [Key + "Authority"] = $"http://127.0.0.1:{KestrelConsole.FreePort()}",
            [Key + "RequireHttpsMetadata"] = "false",
            [Key + "ClientId"] = TestIdentityProvider.ClientId,
            [Key + "DefaultRole"] = "viewer",
        });
        _console.StartServer();
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task SsoButton_ProviderDown_ReadablePageAndPasswordSignInStillWorks()
    {
        using var browser = new SsoBrowser(_console.HttpAddress);

        var page = await browser.SignInAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(SsoProblemPath.Page, browser.Hops[^1].AbsolutePath);
        Assert.Contains("could not be reached", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var password = await LoginForm.SignInAsync(browser.Http, TestAccounts.AdminUser, TestAccounts.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/settings")).StatusCode);
    }
}
