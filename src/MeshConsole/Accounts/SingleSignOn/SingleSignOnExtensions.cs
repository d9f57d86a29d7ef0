using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace MeshConsole.Accounts.SingleSignOn;

/// <summary>The OpenID Connect handler, configured from <see cref="OidcSignInOptions"/> when its section exists.</summary>
internal static partial class SingleSignOnExtensions
{
    /// <summary>Whether the configuration turns OpenID Connect sign-in on (the section exists).</summary>
    public static bool IsSingleSignOnConfigured(this IConfiguration configuration) =>
        configuration.GetSection(OidcSignInOptions.Section).Exists();

    public static AuthenticationBuilder AddSingleSignOn(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        var services = authentication.Services;
        services.AddOptions<OidcSignInOptions>()
            .Bind(configuration.GetSection(OidcSignInOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OidcSignInOptions>, OidcSignInOptionsValidator>();
        services.AddScoped<OidcSignIn>();
        authentication.AddOpenIdConnect(OidcSignInOptions.Scheme, "OpenID Connect", _ => { });
        services.AddOptions<OpenIdConnectOptions>(OidcSignInOptions.Scheme)
            .Configure<IOptions<OidcSignInOptions>>((oidc, sso) => Configure(oidc, sso.Value));
        return authentication;
    }

    /// <summary>
    /// Starts the sign-in at the provider. A form post with the antiforgery token, so another site
    /// cannot send a browser through the provider and back. Mapped whether or not OpenID Connect is
    /// configured (404 when it is not), so the authorization matrix always sees it.
    /// </summary>
    public static IEndpointRouteBuilder MapSingleSignOn(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/sso", async (HttpContext http, IAuthenticationSchemeProvider schemes, ILogger<OidcSignIn> logger, [FromForm] string? returnUrl) =>
            {
                if (await schemes.GetSchemeAsync(OidcSignInOptions.Scheme) is null)
                    return Results.Problem("OpenID Connect sign-in is not configured (Mesh:Authentication:OpenIdConnect).", statusCode: StatusCodes.Status404NotFound);
                try
                {
                    // The handler reads the provider's metadata here, on the first sign-in and after its cache expires.
                    await http.ChallengeAsync(OidcSignInOptions.Scheme, new AuthenticationProperties { RedirectUri = LocalReturnUrl.Of(returnUrl) });
                    return Results.Empty;
                }
                catch (InvalidOperationException error) when (!http.Response.HasStarted)
                {
                    LogUnreachable(logger, error.Message);
                    return Results.LocalRedirect(SsoProblemPath.For(SsoProblem.ProviderUnreachable));
                }
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static void Configure(OpenIdConnectOptions oidc, OidcSignInOptions sso)
    {
        oidc.Authority = sso.Authority;
        oidc.RequireHttpsMetadata = sso.HttpsRequired;
        oidc.ClientId = sso.ClientId;
        oidc.ClientSecret = string.IsNullOrEmpty(sso.ClientSecret) ? null : sso.ClientSecret;
        oidc.CallbackPath = OidcSignInOptions.CallbackPath;
        // Code flow with PKCE (the handler's defaults, stated so no one turns them off by accident).
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        oidc.UsePkce = true;
        // The code comes back on a top-level GET (not form_post's cross-site POST), so the
        // correlation and nonce cookies can be SameSite=Lax and need not be Secure on a plain-HTTP
        // console; SameSite=None, the handler's default, needs Secure, which http cannot send back.
        oidc.ResponseMode = OpenIdConnectResponseMode.Query;
        oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
        oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        oidc.NonceCookie.SameSite = SameSiteMode.Lax;
        oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        // Claims keep the token's names (sub, groups, preferred_username), which RoleClaim refers to.
        oidc.MapInboundClaims = false;
        oidc.GetClaimsFromUserInfoEndpoint = false;
        oidc.SaveTokens = false;
        oidc.SignInScheme = IdentityConstants.ExternalScheme;
        oidc.Scope.Clear();
        oidc.Scope.Add(OpenIdConnectScope.OpenId);
        foreach (var scope in sso.Scopes.Count > 0 ? sso.Scopes : ["profile", "email"])
        {
            if (scope != OpenIdConnectScope.OpenId)
                oidc.Scope.Add(scope);
        }

        oidc.Events.OnTicketReceived = SignInAsync;
        oidc.Events.OnRemoteFailure = FailureAsync;
    }

    /// <summary>Replaces the handler's own sign-in: the console user, not the provider's principal, gets the cookie.</summary>
    private static async Task SignInAsync(TicketReceivedContext context)
    {
        var problem = await context.HttpContext.RequestServices.GetRequiredService<OidcSignIn>().SignInAsync(context.Principal!);
        context.Response.Redirect(problem is { } refused ? SsoProblemPath.For(refused) : LocalReturnUrl.Of(context.ReturnUri));
        context.HandleResponse();
    }

    /// <summary>A provider's error, a bad state or a token that does not verify: a page that says so, not a 500.</summary>
    private static Task FailureAsync(RemoteFailureContext context)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILogger<OidcSignIn>>();
        var error = context.Request.Query[OpenIdConnectParameterNames.Error].ToString();
        LogFailure(logger, context.Failure?.Message ?? "unknown");
        context.Response.Redirect(IsProviderError(error)
            ? SsoProblemPath.For(SsoProblem.RefusedByProvider, error)
            : SsoProblemPath.For(SsoProblem.Failed));
        context.HandleResponse();
        return Task.CompletedTask;
    }

    /// <summary>RFC 6749's error codes are short lowercase words; anything else is not echoed to the page.</summary>
    private static bool IsProviderError(string error) =>
        error.Length is > 0 and <= 64 && error.All(c => char.IsAsciiLetterLower(c) || c == '_');

    [LoggerMessage(Level = LogLevel.Error, Message = "OpenID Connect sign-in could not start: the identity provider's metadata did not load: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in failed: {Reason}")]
    private static partial void LogFailure(ILogger logger, string reason);
}
