using System.Net;
using System.Security.Cryptography;
using System.Text;
using Mesh.Testing;
using Microsoft.IdentityModel.Tokens;

namespace MeshConsole.Tests.Accounts.SingleSignOn;

/// <summary>The test provider refuses what a real one refuses, so a console that skipped a step would fail the sign-in tests.</summary>
public sealed class TestIdentityProviderTests : IAsyncLifetime
{
    private static readonly Uri _redirect = new("http://127.0.0.1:9/signin-oidc");
    private TestIdentityProvider _provider = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _provider = await TestIdentityProvider.StartAsync();
        _provider.RedirectUri = _redirect;
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _provider.Authority };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _provider.DisposeAsync();
    }

    [Theory]
    [InlineData("wrong-verifier", TestIdentityProvider.ClientSecret, "PKCE code_verifier does not match")]
    [InlineData(null, "wrong-secret", "client authentication failed")]
    public async Task Token_WrongVerifierOrSecret_Refused(string? verifier, string secret, string reason)
    {
        var goodVerifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var code = await AuthorizeAsync(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(goodVerifier))));

        using var token = await _client.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = _redirect.ToString(),
            ["code_verifier"] = verifier ?? goodVerifier,
            ["client_id"] = TestIdentityProvider.ClientId,
            ["client_secret"] = secret,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
        Assert.Contains(reason, await token.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_UnregisteredRedirectUri_ErrorPageNotARedirect()
    {
        using var response = await _client.GetAsync(
            $"/authorize?client_id={TestIdentityProvider.ClientId}&redirect_uri={Uri.EscapeDataString("http://127.0.0.1:9/elsewhere")}&response_type=code&scope=openid&state=s&code_challenge=c&code_challenge_method=S256");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(_provider.Refusals, r => r.Contains("redirect_uri", StringComparison.Ordinal));
    }

    private async Task<string> AuthorizeAsync(string challenge)
    {
        using var response = await _client.GetAsync(
            $"/authorize?client_id={TestIdentityProvider.ClientId}&redirect_uri={Uri.EscapeDataString(_redirect.ToString())}&response_type=code&scope=openid&state=s&nonce=n&code_challenge={challenge}&code_challenge_method=S256");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.Query.TrimStart('?').Split('&').Single(p => p.StartsWith("code=", StringComparison.Ordinal))["code=".Length..];
    }
}
