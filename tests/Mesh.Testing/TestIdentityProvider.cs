using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mesh.Testing;

/// <summary>Who the test provider signs in at its next <c>/authorize</c>.</summary>
public sealed record TestIdentityUser(string? Subject, string? PreferredUserName = null, string? Email = null, IReadOnlyList<string>? Groups = null);

/// <summary>
/// A small but real OpenID Connect provider on 127.0.0.1 for tests: discovery, JWKS with an RSA key
/// made per instance, an authorization endpoint that approves as <see cref="User"/> at once (code
/// flow, PKCE S256 required), and a token endpoint that checks the code, the client secret and the
/// PKCE verifier before it answers with an RS256 ID token.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "mesh-console";
    public const string ClientSecret = "test-client-secret";

    private const string KeyId = "test-key";

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, Grant> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _refusals = new();

    private TestIdentityProvider(WebApplication app, Uri authority)
    {
        _app = app;
        Authority = authority;
    }

    /// <summary>The issuer, without a trailing slash, as the console's Authority.</summary>
    public Uri Authority { get; }

    public string Issuer => Authority.GetLeftPart(UriPartial.Authority);

    /// <summary>The one redirect URI the client may use, e.g. <c>http://127.0.0.1:1234/signin-oidc</c>; set before the first sign-in.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>Who the next authorization signs in as.</summary>
    public TestIdentityUser User { get; set; } = new("subject-1");

    /// <summary>When set, <c>/authorize</c> answers with this error (e.g. <c>access_denied</c>) instead of a code.</summary>
    public string? Error { get; set; }

    /// <summary>
    /// When true, <c>/authorize</c> answers with a page whose "Continue" link goes back to the console,
    /// as a provider's sign-in form does; a browser then treats the way back as started by the provider's site.
    /// </summary>
    public bool ShowsContinuePage { get; set; }

    /// <summary>When true, ID tokens are signed with another key under the published key's id: a forgery.</summary>
    public bool SignWithForeignKey { get; set; }

    /// <summary>Why the provider refused requests, in order: a test can show a check was made.</summary>
    public IReadOnlyCollection<string> Refusals => _refusals;

    /// <summary>
    /// Listens on 127.0.0.1; <paramref name="host"/> is the name in its URLs. A browser test passes
    /// <c>localhost</c>, so that, for the browser, the provider is another site than the console on 127.0.0.1.
    /// </summary>
    public static async Task<TestIdentityProvider> StartAsync(string host = "127.0.0.1")
    {
        var authority = new Uri($"http://{host}:{KestrelConsole.FreePort()}");
        // Empty: no appsettings.json from the test's folder (the console's, with its Kestrel endpoints).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, authority.Port));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var provider = new TestIdentityProvider(app, authority);
        app.MapGet("/.well-known/openid-configuration", provider.Discovery);
        app.MapGet("/jwks", provider.Keys);
        app.MapGet("/authorize", provider.Authorize);
        app.MapPost("/token", provider.TokenAsync);
        await app.StartAsync();
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }

    private IResult Discovery() => Results.Content(
        $$"""
        {
          "issuer": "{{Issuer}}",
          "authorization_endpoint": "{{Issuer}}/authorize",
          "token_endpoint": "{{Issuer}}/token",
          "jwks_uri": "{{Issuer}}/jwks",
          "response_types_supported": ["code"],
          "response_modes_supported": ["query"],
          "subject_types_supported": ["public"],
          "id_token_signing_alg_values_supported": ["RS256"],
          "code_challenge_methods_supported": ["S256"],
          "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
          "scopes_supported": ["openid", "profile", "email"]
        }
        """,
        "application/json");

    private IResult Keys()
    {
        var key = _key.ExportParameters(includePrivateParameters: false);
        return Results.Json(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64UrlEncoder.Encode(key.Modulus), e = Base64UrlEncoder.Encode(key.Exponent) },
            },
        });
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        // An unknown client or redirect URI gets an error page, never a redirect (RFC 6749 4.1.2.1).
        if (query["client_id"] != ClientId)
            return Refuse($"client_id '{query["client_id"]}' is unknown");
        if (RedirectUri is null || query["redirect_uri"] != RedirectUri.ToString())
            return Refuse($"redirect_uri '{query["redirect_uri"]}' is not registered");
        var state = query["state"].ToString();
        if (Error is { } error)
            return Results.Redirect($"{RedirectUri}?error={error}&error_description={Uri.EscapeDataString("The user declined.")}&state={Uri.EscapeDataString(state)}");
        if (query["response_type"] != "code")
            return Refuse($"response_type '{query["response_type"]}' is not code");
        if (!query["scope"].ToString().Split(' ').Contains("openid"))
            return Refuse("scope lacks openid");
        if (query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
            return Refuse("no PKCE S256 code_challenge");

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _grants[code] = new Grant(RedirectUri.ToString(), query["code_challenge"]!, query["nonce"].ToString(), User);
        var back = $"{RedirectUri}?code={code}&state={Uri.EscapeDataString(state)}";
        return ShowsContinuePage
            ? Results.Content($"<!DOCTYPE html><title>Test provider</title><a id=\"continue\" href=\"{System.Net.WebUtility.HtmlEncode(back)}\">Continue</a>", "text/html")
            : Results.Redirect(back);
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var (clientId, secret) = ClientOf(request, form);
        if (clientId != ClientId || secret != ClientSecret)
            return TokenError("invalid_client", "client authentication failed");
        if (form["grant_type"] != "authorization_code")
            return TokenError("unsupported_grant_type", $"grant_type '{form["grant_type"]}'");
        // A code is good once.
        if (!_grants.TryRemove(form["code"].ToString(), out var grant))
            return TokenError("invalid_grant", "unknown or used code");
        if (form["redirect_uri"] != grant.RedirectUri)
            return TokenError("invalid_grant", "redirect_uri differs from the authorization request's");
        var verifier = form["code_verifier"].ToString();
        if (verifier.Length == 0 || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.CodeChallenge)
            return TokenError("invalid_grant", "PKCE code_verifier does not match the code_challenge");

        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)),
            ["token_type"] = "Bearer",
            ["expires_in"] = 300,
            ["id_token"] = IdToken(grant),
        });
    }

    private string IdToken(Grant grant)
    {
        var claims = new Dictionary<string, object> { ["nonce"] = grant.Nonce };
        if (grant.User.Subject is { } subject)
            claims["sub"] = subject;
        if (grant.User.PreferredUserName is { } name)
            claims["preferred_username"] = name;
        if (grant.User.Email is { } email)
            claims["email"] = email;
        if (grant.User.Groups is { } groups)
            claims["groups"] = groups.ToArray();

        using var foreign = SignWithForeignKey ? RSA.Create(2048) : null;
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(foreign ?? _key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>client_secret_basic or client_secret_post.</summary>
    private static (string? ClientId, string? Secret) ClientOf(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..])).Split(':', 2);
            return pair.Length == 2 ? (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1])) : (null, null);
        }

        return (form["client_id"], form["client_secret"]);
    }

    private IResult Refuse(string reason)
    {
        _refusals.Enqueue(reason);
        return Results.BadRequest(reason);
    }

    private IResult TokenError(string error, string description)
    {
        _refusals.Enqueue(description);
        return Results.Json(new { error, error_description = description }, statusCode: StatusCodes.Status400BadRequest);
    }

    private sealed record Grant(string RedirectUri, string CodeChallenge, string Nonce, TestIdentityUser User);
}
