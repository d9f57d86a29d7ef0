using Mesh.Store.Accounts;
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

        builder.Services.AddAuthentication(ConsoleSchemes.Default)
            .AddPolicyScheme(ConsoleSchemes.Default, "Sign-in cookie or API token", o => o.ForwardDefaultSelector = ConsoleSchemes.Select)
            .AddScheme<ApiTokenAuthenticationOptions, ApiTokenAuthenticationHandler>(ConsoleSchemes.ApiToken, "API token", null)
            .AddIdentityCookies();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "mesh.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
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
