using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Mesh.Store.Accounts;
using MeshConsole.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MeshConsole.Accounts;

/// <summary>
/// Authenticates <c>Authorization: Bearer mat_…</c>. The principal's name is <c>token:&lt;name&gt;</c>
/// (the actor its revisions record), its role the token's, capped by the owner's role today. A
/// refused token is answered 401 with the reason in <c>WWW-Authenticate</c> (RFC 6750) and a problem body.
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<ApiTokenAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenStore tokens,
    UserManager<ConsoleUser> users,
    TimeProvider time,
    IProblemDetailsService problems)
    : AuthenticationHandler<ApiTokenAuthenticationOptions>(options, logger, encoder)
{
    public const string TokenIdClaim = "mesh:token";
    public const string TokenOwnerClaim = "mesh:token-owner";
    public const string TokenExpiresClaim = "mesh:token-expires";
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();

        var value = header[BearerPrefix.Length..].Trim();
        // A join token is the join token scheme's (telemetry ingest); it never acts as a console user.
        if (value.StartsWith(TokenFormat.JoinTokenPrefix, StringComparison.Ordinal))
            return AuthenticateResult.NoResult();
        if (!TokenFormat.IsWellFormed(value, TokenFormat.ApiTokenPrefix))
            return AuthenticateResult.Fail($"the bearer token is not a MeshConsole API token ({TokenFormat.ApiTokenPrefix} followed by 43 base64url characters)");

        var token = await tokens.FindByValueAsync(value, Context.RequestAborted);
        if (token is null)
            return AuthenticateResult.Fail("the API token is unknown");
        if (token.RevokedAt is { } revoked)
            return AuthenticateResult.Fail($"the API token '{token.Name}' was revoked at {revoked.ToString("u", CultureInfo.InvariantCulture)}");
        if (token.ExpiresAt <= time.GetUtcNow())
            return AuthenticateResult.Fail($"the API token '{token.Name}' expired at {token.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)}");

        var owner = await users.FindByIdAsync(token.OwnerId);
        if (owner is null)
            return AuthenticateResult.Fail($"the owner of the API token '{token.Name}' no longer exists");
        if (await users.IsLockedOutAsync(owner))
            return AuthenticateResult.Fail($"the owner of the API token '{token.Name}' is locked out");
        var ownerRole = RoleRank.Highest(await users.GetRolesAsync(owner));
        if (ownerRole is null)
            return AuthenticateResult.Fail($"the owner of the API token '{token.Name}' has no role");

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, $"token:{token.Name}"),
            new Claim(ClaimTypes.NameIdentifier, owner.Id),
            new Claim(ClaimTypes.Role, RoleRank.Lower(token.Role, ownerRole)),
            new Claim(TokenIdClaim, token.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(TokenOwnerClaim, owner.UserName ?? owner.Id),
            new Claim(TokenExpiresClaim, token.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)),
        ], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Response.HasStarted || Response.Headers.WWWAuthenticate.Count > 0)
            return;
        var result = await HandleAuthenticateOnceSafeAsync();
        var reason = result.Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = reason is null
            ? "Bearer realm=\"MeshConsole\""
            : $"Bearer realm=\"MeshConsole\", error=\"invalid_token\", error_description=\"{reason.Replace("\"", "'", StringComparison.Ordinal)}\"";
        await WriteProblemAsync("Unauthorized", reason is null
            ? "Sign in: send an API token as 'Authorization: Bearer mat_…'."
            : $"Refused: {reason}.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = RoleRank.Highest(Context.User) ?? "none";
        return WriteProblemAsync("Forbidden", $"The role '{role}' may not do this.");
    }

    private async Task WriteProblemAsync(string title, string detail)
    {
        // A gRPC client reads the status from headers; a JSON body would break its framing.
        if (ConsoleSchemes.IsGrpc(Request))
            return;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Title = title, Detail = detail, Status = Response.StatusCode },
        });
    }
}
