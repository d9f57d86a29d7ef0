using System.Net;
using Mesh.Store;
using Mesh.Testing;

namespace MeshConsole.Tests.Accounts;

/// <summary>Signing in and out through the login page over real HTTP (Kestrel on loopback).</summary>
public sealed class LoginTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private KestrelConsole _console = null!;
    private HttpClient _browser = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        _console = new KestrelConsole(_database);
        _console.StartServer();
        _browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = _console.HttpAddress,
        };
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _console.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task SignIn_RightPassword_StrictHttpOnlyCookieAndBackToReturnUrl()
    {
        var response = await LoginForm.SignInAsync(_browser, TestAccounts.AdminUser, TestAccounts.AdminPassword, "/sidecars");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sidecars", response.Headers.Location?.AbsolutePath);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("mesh.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);
        var page = await _browser.GetStringAsync("/sidecars");
        Assert.Contains("admin (admin)", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_AfterSignIn_PagesRedirectToLoginAgain()
    {
        await LoginForm.SignInAsync(_browser, TestAccounts.AdminUser, TestAccounts.AdminPassword);
        var page = await _browser.GetStringAsync("/settings");
        var form = LoginForm.HiddenFields(page);

        var logout = await _browser.PostAsync("/account/logout", new FormUrlEncodedContent(form));
        var after = await _browser.GetAsync("/settings");

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/login", after.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_WithoutAntiforgeryToken_Refused()
    {
        await LoginForm.SignInAsync(_browser, TestAccounts.AdminUser, TestAccounts.AdminPassword);

        var logout = await _browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }));

        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _browser.GetAsync("/settings")).StatusCode);
    }

    [Fact]
    public async Task SignIn_WrongPassword_FormAgainWithAnError()
    {
        var response = await LoginForm.SignInAsync(_browser, TestAccounts.AdminUser, "not-the-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Wrong user name or password.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await _browser.GetAsync("/settings")).StatusCode);
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LockedOutEvenWithTheRightOne()
    {
        for (var attempt = 0; attempt < 5; attempt++)
            await LoginForm.SignInAsync(_browser, TestAccounts.AdminUser, "not-the-password");

        var response = await LoginForm.SignInAsync(_browser, TestAccounts.AdminUser, TestAccounts.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("locked out after 5 failed sign-ins", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await _browser.GetAsync("/settings")).StatusCode);
    }

    [Fact]
    public async Task SignIn_ReturnUrlOnAnotherSite_GoesHomeInstead()
    {
        var response = await LoginForm.SignInAsync(_browser, TestAccounts.AdminUser, TestAccounts.AdminPassword, "//evil.example/steal");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(_console.HttpAddress.Authority, response.Headers.Location?.Authority);
        Assert.Equal("/", response.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task LoginPage_WithoutOpenIdConnect_NoSsoButtonAndTheChallengeIsNotFound()
    {
        var page = await _browser.GetStringAsync("/account/login");
        var challenge = await _browser.PostAsync("/account/sso", new FormUrlEncodedContent(LoginForm.HiddenFields(page)));

        Assert.DoesNotContain("sso-form", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"login-form\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, challenge.StatusCode);
    }

    [Fact]
    public async Task Cookie_OnTheRestApi_NotAccepted()
    {
        await LoginForm.SignInAsync(_browser, TestAccounts.AdminUser, TestAccounts.AdminPassword);

        var response = await _browser.GetAsync("/api/services");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
