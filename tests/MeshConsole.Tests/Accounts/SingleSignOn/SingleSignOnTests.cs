using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Policy.Documents;
using Mesh.Policy.Services;
using Mesh.Store.Accounts;
using Mesh.Testing;
using MeshConsole.Accounts.SingleSignOn;
using MeshConsole.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MeshConsole.Tests.Accounts.SingleSignOn;

/// <summary>
/// Sign-in through a real OpenID Connect exchange (code flow with PKCE) with the test provider, over
/// Kestrel on loopback: the console's own handler, cookies and Identity store, nothing replaced.
/// </summary>
public sealed class SingleSignOnTests(SsoConsole sso) : IClassFixture<SsoConsole>, IDisposable
{
    private readonly SsoBrowser _browser = new(sso.Console.HttpAddress);

    public void Dispose() => _browser.Dispose();

    [Fact]
    public async Task LoginPage_OpenIdConnectConfigured_ShowsTheButtonWithItsDisplayName()
    {
        var page = await _browser.Http.GetStringAsync("/account/login");

        Assert.Contains("data-testid=\"sso-button\"", page, StringComparison.Ordinal);
        Assert.Contains(SsoConsole.DisplayName, page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"login-form\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstSignIn_MappedGroups_UserCreatedWithHighestRoleAndBackOnTheAskedPage()
    {
        sso.SignInAs(new TestIdentityUser("sub-alice", "alice", "alice@example.com", ["mesh-viewers", "mesh-operators", "unrelated"]));

        var page = await _browser.SignInAsync("/sidecars");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("/sidecars", _browser.Hops[^1].AbsolutePath);
        Assert.Contains(_browser.Hops, h => h.Authority == sso.Provider.Authority.Authority && h.AbsolutePath == "/authorize");
        Assert.Contains(_browser.Hops, h => h.AbsolutePath == OidcSignInOptions.CallbackPath);
        Assert.Contains("alice (operator)", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (user, roles) = (await sso.LinkedUserAsync("sub-alice"))!.Value;
        Assert.Equal("alice", user.UserName);
        Assert.Equal([MeshPolicies.Operator], roles);
        Assert.Null(user.PasswordHash);
        Assert.Empty(sso.Provider.Refusals);
    }

    [Fact]
    public async Task SignIn_AuthCookie_LaxSoTheRedirectBackFromTheProviderCarriesIt()
    {
        sso.SignInAs(new TestIdentityUser("sub-lax", "lax-user", Groups: ["mesh-viewers"]));

        await _browser.SignInAsync();

        var cookie = Assert.Single(_browser.SetCookies, c => c.StartsWith("mesh.auth=", StringComparison.Ordinal));
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task NextSignIn_RoleLoweredAtProvider_AdminPagesClosed()
    {
        sso.SignInAs(new TestIdentityUser("sub-bea", "bea", Groups: ["mesh-admins"]));
        await _browser.SignInAsync();
        Assert.Equal(HttpStatusCode.OK, (await _browser.Http.GetAsync("/users")).StatusCode);

        sso.SignInAs(new TestIdentityUser("sub-bea", "bea", Groups: ["mesh-viewers"]));
        var page = await _browser.SignInAsync();
        var users = await _browser.Http.GetAsync("/users");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, users.StatusCode);
        Assert.Equal("/account/access-denied", users.Headers.Location?.AbsolutePath);
        Assert.Equal([MeshPolicies.Viewer], (await sso.LinkedUserAsync("sub-bea"))!.Value.Roles);
    }

    [Fact]
    public async Task SignIn_NoMappedGroup_AccessDeniedPageAndNoUserMade()
    {
        sso.SignInAs(new TestIdentityUser("sub-carl", "carl", Groups: ["contractors"]));
        var before = await sso.UserCountAsync();

        var page = await _browser.SignInAsync("/sidecars");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(SsoProblemPath.Page, _browser.Hops[^1].AbsolutePath);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Access denied", html, StringComparison.Ordinal);
        Assert.Contains("none of your groups gives a role", html, StringComparison.Ordinal);
        Assert.Null(await sso.LinkedUserAsync("sub-carl"));
        Assert.Equal(before, await sso.UserCountAsync());
        Assert.DoesNotContain(_browser.SetCookies, c => c.StartsWith("mesh.auth=", StringComparison.Ordinal) && !c.StartsWith("mesh.auth=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await _browser.Http.GetAsync("/sidecars")).StatusCode);
    }

    [Fact]
    public async Task NextSignIn_GroupRemovedAtProvider_RoleTakenAwayAndRefused()
    {
        sso.SignInAs(new TestIdentityUser("sub-dora", "dora", Groups: ["mesh-viewers"]));
        await _browser.SignInAsync();

        sso.SignInAs(new TestIdentityUser("sub-dora", "dora", Groups: []));
        using var other = new SsoBrowser(sso.Console.HttpAddress);
        await other.SignInAsync();

        Assert.Equal(SsoProblemPath.Page, other.Hops[^1].AbsolutePath);
        Assert.Empty((await sso.LinkedUserAsync("sub-dora"))!.Value.Roles);
        Assert.Equal(HttpStatusCode.Redirect, (await other.Http.GetAsync("/sidecars")).StatusCode);
    }

    [Fact]
    public async Task SignIn_LockedOutUser_RefusedWithAReadablePage()
    {
        sso.SignInAs(new TestIdentityUser("sub-eve", "eve", Groups: ["mesh-viewers"]));
        await _browser.SignInAsync();
        await using (var scope = sso.Console.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            var eve = (await sso.LinkedUserAsync("sub-eve"))!.Value.User;
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(eve.Id))!, DateTimeOffset.UtcNow.AddHours(1));
        }

        using var other = new SsoBrowser(sso.Console.HttpAddress);
        var page = await other.SignInAsync();

        Assert.Equal(SsoProblemPath.Page, other.Hops[^1].AbsolutePath);
        Assert.Contains("locked out", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await other.Http.GetAsync("/sidecars")).StatusCode);
    }

    [Fact]
    public async Task SignIn_NameTakenByALocalUser_NumberedNameAndTheLocalUserUntouched()
    {
        await using (var scope = sso.Console.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            Assert.True((await users.CreateAsync(new ConsoleUser { UserName = "frank" }, "a-long-enough-password")).Succeeded);
        }

        sso.SignInAs(new TestIdentityUser("sub-frank", "frank", Groups: ["mesh-viewers"]));
        await _browser.SignInAsync();

        Assert.Equal("frank-2", (await sso.LinkedUserAsync("sub-frank"))!.Value.User.UserName);
    }

    [Fact]
    public async Task SignIn_ProviderAnswersAccessDenied_ReadablePageAndNoUser()
    {
        sso.SignInAs(new TestIdentityUser("sub-gus", "gus", Groups: ["mesh-admins"]));
        sso.Provider.Error = "access_denied";

        var page = await _browser.SignInAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(SsoProblemPath.Page, _browser.Hops[^1].AbsolutePath);
        Assert.Contains("did not sign you in (access_denied)", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await sso.LinkedUserAsync("sub-gus"));
    }

    [Fact]
    public async Task SignIn_StateTamperedWith_RefusedAndNoUser()
    {
        sso.SignInAs(new TestIdentityUser("sub-hal", "hal", Groups: ["mesh-admins"]));
        var login = LoginForm.HiddenFields(await _browser.Http.GetStringAsync("/account/login"));
        using var challenge = await _browser.Http.PostAsync("/account/sso", new FormUrlEncodedContent(login));
        var authorize = challenge.Headers.Location!.ToString();
        var state = QueryValue(authorize, "state");
        var tampered = authorize.Replace("state=" + Uri.EscapeDataString(state), "state=" + Uri.EscapeDataString(Flip(state)), StringComparison.Ordinal);
        Assert.NotEqual(authorize, tampered);

        var page = await _browser.FollowAsync(await _browser.Http.GetAsync(tampered));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(SsoProblemPath.Page, _browser.Hops[^1].AbsolutePath);
        Assert.Contains("could not be verified", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await sso.LinkedUserAsync("sub-hal"));
    }

    [Fact]
    public async Task Callback_ReplayedInAnotherBrowser_RefusedAndNotSignedIn()
    {
        sso.SignInAs(new TestIdentityUser("sub-jan", "jan", Groups: ["mesh-admins"]));
        await _browser.SignInAsync();
        var callback = _browser.Hops.Single(h => h.AbsolutePath == OidcSignInOptions.CallbackPath);

        using var attacker = new SsoBrowser(sso.Console.HttpAddress);
        var page = await attacker.FollowAsync(await attacker.Http.GetAsync(callback));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(SsoProblemPath.Page, attacker.Hops[^1].AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, (await attacker.Http.GetAsync("/users")).StatusCode);
        Assert.DoesNotContain("mesh.auth=", attacker.ConsoleCookies, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_IdTokenSignedWithAnotherKey_RefusedAndNoUser()
    {
        sso.SignInAs(new TestIdentityUser("sub-ida", "ida", Groups: ["mesh-admins"]));
        sso.Provider.SignWithForeignKey = true;

        var page = await _browser.SignInAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(SsoProblemPath.Page, _browser.Hops[^1].AbsolutePath);
        Assert.Contains("could not be verified", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await sso.LinkedUserAsync("sub-ida"));
        Assert.Equal(HttpStatusCode.Redirect, (await _browser.Http.GetAsync("/sidecars")).StatusCode);
    }

    [Fact]
    public async Task SignIn_IdTokenWithoutSubject_RefusedAndNoUser()
    {
        sso.SignInAs(new TestIdentityUser(null, "nobody", Groups: ["mesh-admins"]));
        var before = await sso.UserCountAsync();

        var page = await _browser.SignInAsync();

        Assert.Equal(SsoProblemPath.Page, _browser.Hops[^1].AbsolutePath);
        Assert.Contains("could not be verified", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await sso.UserCountAsync());
    }

    [Fact]
    public async Task Revision_WrittenBySsoUser_RecordsTheirUserName()
    {
        sso.SignInAs(new TestIdentityUser("sub-olga", "olga", Groups: ["mesh-operators"]));
        await _browser.SignInAsync();

        // A page's write: ConfigWriter with the principal the cookie authenticates to, as a circuit holds it.
        await using var scope = sso.Console.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Headers.Cookie = _browser.ConsoleCookies;
        var principal = (await http.AuthenticateAsync(IdentityConstants.ApplicationScheme)).Principal;
        Assert.NotNull(principal);
        var write = await scope.ServiceProvider.GetRequiredService<ConfigWriter>()
            .PutAsync(principal, ConfigKind.Service, "sso-orders", new ServiceSpec { Owner = "team-orders" }, 0, "made by an SSO user");

        Assert.True(write.Succeeded, write.Message);
        using var admin = sso.Console.CreateHttpClient();
        var revision = await admin.GetFromJsonAsync<JsonElement>($"/api/revisions/{write.Revision!.Number}");
        Assert.Equal("olga", revision.GetProperty("actor").GetString());
    }

    private static string QueryValue(string url, string name) =>
        Uri.UnescapeDataString(new Uri(url).Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == name)[1]);

    /// <summary>The same length and alphabet, one character changed: what an attacker would try.</summary>
    /// <remarks>The first character, as the last may hold only padding bits that decoding ignores.</remarks>
    private static string Flip(string value) => (value[0] == 'A' ? 'B' : 'A') + value[1..];
}
