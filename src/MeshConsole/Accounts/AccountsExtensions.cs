using Mesh.Store.Accounts;
using MeshConsole.Accounts.SingleSignOn;
using MeshConsole.Data;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MeshConsole.Accounts;

/// <summary>Sign-in, API tokens and role checks: every page and API needs a role unless it says otherwise.</summary>
internal static class AccountsExtensions
{
    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BootstrapOptions>()
            .Bind(builder.Configuration.GetSection(BootstrapOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BootstrapOptions>, BootstrapOptionsValidator>();

        builder.Services.AddIdentityCore<ConsoleUser>(AccountRules.Configure)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AccountsDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        var authentication = builder.Services.AddAuthentication(ConsoleSchemes.Default)
            .AddPolicyScheme(ConsoleSchemes.Default, "Sign-in cookie or API token", o => o.ForwardDefaultSelector = ConsoleSchemes.Select)
            .AddScheme<ApiTokenAuthenticationOptions, ApiTokenAuthenticationHandler>(ConsoleSchemes.ApiToken, "API token", null);
        authentication.AddIdentityCookies();
        var singleSignOn = builder.Configuration.IsSingleSignOnConfigured();
        if (singleSignOn)
            authentication.AddSingleSignOn(builder.Configuration);
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "mesh.auth";
            o.Cookie.HttpOnly = true;
            // Strict keeps the cookie off every request another site starts. The provider's redirect
            // back is such a request, and so is each redirect after it up to the page asked for: with
            // Strict, the browser would set the cookie but not send it there, and the user would land
            // on the login form. Lax sends it on top-level GET navigations only; writes stay safe,
            // as the REST API ignores the cookie and Blazor's forms carry antiforgery tokens.
            o.Cookie.SameSite = singleSignOn ? SameSiteMode.Lax : SameSiteMode.Strict;
            // The console serves plain HTTP on loopback by default; behind TLS the cookie is Secure.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = AccountRules.CookieLifetime;
            o.SlidingExpiration = true;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/access-denied";
            o.ReturnUrlParameter = "returnUrl";
        });

        builder.Services.AddAuthorization(o =>
        {
            o.AddMeshPolicies();
            o.FallbackPolicy = o.GetPolicy(MeshPolicies.Viewer);
            o.AddPolicy(MeshPolicies.Ingest, p => p.AddAuthenticationSchemes(ConsoleSchemes.JoinToken, ConsoleSchemes.ApiToken).RequireAuthenticatedUser());
        });
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<AuthenticationStateProvider, RevalidatingUserStateProvider>();

        builder.Services.AddScoped<ApiTokenService>();
        builder.Services.AddScoped<UserAdministration>();
        builder.Services.AddHostedService<AccountBootstrapper>();
        return builder;
    }
}
