using Mesh.Store;
using MeshConsole.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

internal static class IdentityExtensions
{
    /// <summary>The Data Protection application name: replicas (and their login cookies) share one key ring under it.</summary>
    public const string ApplicationName = "MeshConsole";

    /// <summary>Registers the mesh CA, sidecar admission, the identity endpoints' services and TLS on the mesh-facing Kestrel endpoints. Call after the store, before the control plane.</summary>
    public static WebApplicationBuilder AddWorkloadIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdentityOptions>().Bind(builder.Configuration.GetSection(IdentityOptions.Section)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IdentityOptions>, IdentityOptionsValidator>());
        builder.Services.AddOptions<BootstrapJoinTokenOptions>().Bind(builder.Configuration.GetSection(BootstrapJoinTokenOptions.Section)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BootstrapJoinTokenOptions>, BootstrapJoinTokenOptionsValidator>());
        builder.Services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToDbContext<MeshDbContext>();

        builder.Services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, JoinTokenAuthenticationHandler>(ConsoleSchemes.JoinToken, "Join token", null);

        builder.Services.AddSingleton<MeshAuthority>();
        builder.Services.AddSingleton<WorkloadIssuer>();
        builder.Services.AddSingleton<SidecarAdmission>();
        builder.Services.AddSingleton<MeshIdentityReader>();
        builder.Services.AddScoped<IdentityAdmin>();
        builder.Services.AddHostedService<IdentityBootstrapper>();
        builder.Services.AddHostedService<AuthorityUpkeep>();

        builder.Services.AddOptions<ControlPlaneTlsOptions>()
            .Bind(builder.Configuration.GetSection(ControlPlaneTlsOptions.Section))
            .Configure<IConfiguration>(ControlPlaneTlsOptions.ReadHostNameList)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ControlPlaneTlsOptions>, ControlPlaneTlsOptionsValidator>());
        builder.Services.AddSingleton<EndpointCertificate>();
        builder.Services.AddHostedService(services => services.GetRequiredService<EndpointCertificate>());
        builder.ConfigureMeshEndpoints();
        return builder;
    }
}
