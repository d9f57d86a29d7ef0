using System.Security.Claims;
using MeshConsole.Accounts;
using MeshConsole.Accounts.SingleSignOn;

namespace MeshConsole.Tests.Accounts.SingleSignOn;

public sealed class OidcSignInNamesTests
{
    [Theory]
    [InlineData("none", "mesh-viewers,mesh-admins,other", "admin")]
    [InlineData("none", "mesh-operators", "operator")]
    [InlineData("none", "other,MESH-ADMINS", null)]
    [InlineData("none", "", null)]
    [InlineData("viewer", "other", "viewer")]
    [InlineData("viewer", "mesh-operators", "operator")]
    public void RoleOf_GroupClaims_HighestMappedElseDefault(string defaultRole, string groups, string? expected)
    {
        var options = new OidcSignInOptions { DefaultRole = defaultRole };
        options.RoleMap["mesh-viewers"] = "viewer";
        options.RoleMap["mesh-operators"] = "operator";
        options.RoleMap["mesh-admins"] = "admin";
        var claims = groups.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(g => new Claim("groups", g));

        var role = OidcSignIn.RoleOf(new ClaimsPrincipal(new ClaimsIdentity(claims, "oidc")), options);

        Assert.Equal(expected, role);
    }

    [Theory]
    [InlineData("alice", "alice@example.com", "alice")]
    [InlineData(null, "bob@example.com", "bob-example.com")]
    [InlineData("Zoë Müller", null, "Zo--M-ller")]
    [InlineData("__x", null, "x")]
    [InlineData("@@@", null, "sso-user")]
    [InlineData(null, null, "sub-1234")]
    public void NameOf_Claims_ValidConsoleUserName(string? preferred, string? email, string expected)
    {
        var claims = new List<Claim>();
        if (preferred is not null)
            claims.Add(new Claim("preferred_username", preferred));
        if (email is not null)
            claims.Add(new Claim("email", email));

        var name = OidcSignIn.NameOf(new ClaimsPrincipal(new ClaimsIdentity(claims, "oidc")), "sub-1234");

        Assert.Equal(expected, name);
        Assert.True(AccountRules.IsName(name));
    }

    [Fact]
    public void NameOf_VeryLongName_CutWithRoomForANumber()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("preferred_username", new string('a', 200))], "oidc"));

        var name = OidcSignIn.NameOf(principal, "s");

        Assert.Equal(60, name.Length);
        Assert.True(AccountRules.IsName(name + "-99"));
    }
}
