using System.Net;
using Mesh.Testing;
using MeshConsole.Data;

namespace MeshConsole.Tests.Accounts.SingleSignOn;

/// <summary>The sign-in's store work (user, external login, roles) on Postgres.</summary>
public sealed class PostgresSingleSignOnTests(PostgresSsoConsole sso) : IClassFixture<PostgresSsoConsole>, IDisposable
{
    private readonly SsoBrowser _browser = new(sso.Console.HttpAddress);

    public void Dispose() => _browser.Dispose();

    [Fact]
    public async Task SignInTwice_RoleChangedAtProvider_OneUserWithTheNewRole()
    {
        sso.SignInAs(new TestIdentityUser("pg-sub-kim", "kim", Groups: ["mesh-admins"]));
        await _browser.SignInAsync();
        var first = (await sso.LinkedUserAsync("pg-sub-kim"))!.Value;

        sso.SignInAs(new TestIdentityUser("pg-sub-kim", "kim", Groups: ["mesh-operators"]));
        var page = await _browser.SignInAsync("/sidecars");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("kim (operator)", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var second = (await sso.LinkedUserAsync("pg-sub-kim"))!.Value;
        Assert.Equal(first.User.Id, second.User.Id);
        Assert.Equal([MeshPolicies.Admin], first.Roles);
        Assert.Equal([MeshPolicies.Operator], second.Roles);
    }
}
