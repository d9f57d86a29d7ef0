using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Mesh.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

/// <summary>
/// Authenticates <c>Authorization: Bearer mjt_…</c> for telemetry ingest only: a sidecar exports its
/// metrics with the join token it joined with. The principal holds no console role, so a join token
/// reads nothing and changes nothing; it names the token's scope as the workload.
/// </summary>
internal sealed class JoinTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    JoinTokenStore tokens,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string WorkloadClaim = "mesh:workload";
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (JoinTokenIn(Request) is not { } value)
            return AuthenticateResult.NoResult();
        if (!JoinTokens.IsWellFormed(value))
            return AuthenticateResult.Fail($"the bearer token is not a join token ({JoinTokens.Prefix} followed by 43 base64url characters)");

        var token = await tokens.FindByHashAsync(JoinTokens.Hash(value), Context.RequestAborted);
        if (token is null)
            return AuthenticateResult.Fail("the join token is unknown");
        if (token.RevokedAt is { } revoked)
            return AuthenticateResult.Fail($"the join token '{token.Name}' was revoked at {revoked.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}");
        if (token.ExpiresAt <= time.GetUtcNow())
            return AuthenticateResult.Fail($"the join token '{token.Name}' expired at {token.ExpiresAt.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}");

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, $"join-token:{token.Name}"),
            new Claim(WorkloadClaim, token.Scope),
        ], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Requests without a join token are the API token scheme's to answer.
        if (JoinTokenIn(Request) is null)
            return;
        var reason = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message ?? "the join token was refused";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate =
            $"Bearer realm=\"MeshConsole\", error=\"invalid_token\", error_description=\"{reason.Replace("\"", "'", StringComparison.Ordinal)}\"";
    }

    /// <summary>The bearer value when it carries the join token prefix.</summary>
    public static string? JoinTokenIn(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return null;
        var value = header[BearerPrefix.Length..].Trim();
        return value.StartsWith(JoinTokens.Prefix, StringComparison.Ordinal) ? value : null;
    }
}
