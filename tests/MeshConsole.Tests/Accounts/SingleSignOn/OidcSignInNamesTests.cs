using System.Security.Claims;
using MeshConsole.Accounts;
using MeshConsole.Accounts.SingleSignOn;

namespace MeshConsole.Tests.Accounts.SingleSignOn;

public sealed class OidcSignInNamesTests
{
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
