using Mesh.Store;
using MeshConsole.Access;
using MeshConsole.Accounts;
using MeshConsole.Accounts.SingleSignOn;
using MeshConsole.Audit;
using MeshConsole.Components;
using MeshConsole.ConfigAsCode;
using MeshConsole.ControlPlane;
using MeshConsole.Data;
using MeshConsole.Experiments;
using MeshConsole.Identity;
using MeshConsole.Observability;
using MeshConsole.Policies;
using MeshConsole.Policies.Rollouts;
using MeshConsole.Telemetry;
using MudBlazor.Services;

namespace MeshConsole;

/// <summary>Registrations and the request pipeline of the console, kept out of Program.cs.</summary>
public static class ConsoleHosting
{
    public static WebApplicationBuilder AddMeshConsole(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Outside Development, an unpublished build (dotnet run) would serve MudBlazor's and our
        // linked wwwroot assets as empty files; the build's manifest maps them. A published build
        // has no such manifest and this is a no-op there.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddMeshStore(builder.Configuration);
        builder.Services.AddSingleton<StoreAccess>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ActorAccessor>();
        builder.Services.AddScoped<WriteContext>();
        builder.Services.AddSingleton<ConfigWriter>();
        builder.Services.AddScoped<FileDownload>();
        builder.Services.AddSingleton<AccessTraffic>();
        builder.Services.AddProblemDetails();
        // Enumerated values read as the words the docs use: "synced", "stale", "nacked", ...
        builder.Services.ConfigureHttpJsonOptions(o =>
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower)));
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddDbContextCheck<MeshDbContext>("store");
        builder.AddAccounts();
        builder.AddConsoleTelemetry();
        builder.AddWorkloadIdentity();
        builder.AddControlPlane();
        builder.AddTelemetry();
        builder.AddExperiments();
        builder.AddRollouts();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        return builder;
    }

    public static WebApplication MapMeshConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        // Every other endpoint needs the viewer role at least (the fallback policy, see AddAccounts).
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

        app.MapOpenApi().RequireAuthorization(MeshPolicies.Viewer);
        app.MapHealthChecks("/healthz").AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(MeshPolicies.Viewer);
        app.MapAccountEndpoints();
        app.MapSingleSignOn();
        app.MapPolicyEndpoints();
        app.MapAccessEndpoints();
        app.MapRevisionEndpoints();
        app.MapExportEndpoints();
        app.MapApplyEndpoints();
        app.MapControlPlane();
        app.MapIdentityEndpoints();
        app.MapTelemetry();
        app.MapExperimentEndpoints();
        app.MapRolloutEndpoints();
        return app;
    }

    /// <summary>Applies the store's pending migrations without serving; 0 when the schema is current, 1 otherwise.</summary>
    public static async Task<int> MigrateStoreAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            var applied = await StoreSchema.MigrateAsync(app.Services, app.Lifetime.ApplicationStopping);
            Console.WriteLine($"MeshConsole: store schema current; {applied} migration(s) applied");
            return 0;
        }
        catch (Exception error) when (error is Microsoft.Extensions.Options.OptionsValidationException or System.Data.Common.DbException or InvalidOperationException)
        {
            // A wrong setting names its key; an unreachable store says why.
            Console.Error.WriteLine($"MeshConsole migrate: {error.Message}");
            return 1;
        }
    }
}
