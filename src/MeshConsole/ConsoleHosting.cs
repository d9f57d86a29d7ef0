using Mesh.Store;
using MeshConsole.Audit;
using MeshConsole.Components;
using MeshConsole.Data;
using MeshConsole.Observability;
using MeshConsole.Policies;
using MudBlazor.Services;

namespace MeshConsole;

/// <summary>Registrations and the request pipeline of the console, kept out of Program.cs.</summary>
public static class ConsoleHosting
{
    public static IHostApplicationBuilder AddMeshConsole(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMeshStore(builder.Configuration);
        builder.Services.AddSingleton<StoreAccess>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ActorAccessor>();
        builder.Services.AddScoped<WriteContext>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddDbContextCheck<MeshDbContext>("store");
        builder.AddConsoleTelemetry();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        return builder;
    }

    public static WebApplication MapMeshConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

        app.MapOpenApi();
        app.MapHealthChecks("/healthz");
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapPolicyEndpoints();
        app.MapRevisionEndpoints();
        return app;
    }
}
