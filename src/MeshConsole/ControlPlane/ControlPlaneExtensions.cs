using Mesh.Policy.Snapshots;

namespace MeshConsole.ControlPlane;

internal static class ControlPlaneExtensions
{
    public static WebApplicationBuilder AddControlPlane(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ControlPlaneOptions>()
            .Bind(builder.Configuration.GetSection(ControlPlaneOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The ControlPlane endpoint itself (HTTP/2, TLS from the mesh CA) is set up with the other
        // mesh-facing endpoints in Identity/MeshEndpoints.
        builder.Services.AddGrpc();
        builder.Services.AddGrpcReflection();
        // Reports the same checks as /healthz (the store) to gRPC health clients.
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddSingleton<SidecarRegistry>();
        builder.Services.AddSingleton<SnapshotPublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SnapshotPublisher>());
        return builder;
    }

    public static WebApplication MapControlPlane(this WebApplication app)
    {
        // Sidecars prove who they are inside Hello (join token), not with a console role.
        app.MapGrpcService<ControlPlaneService>().AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService();
        app.MapGet("/api/sidecars", async (SidecarRegistry registry, SnapshotPublisher publisher, CancellationToken ct) =>
                Results.Ok(await registry.StatusesAsync(publisher.Current ?? MeshSnapshot.Empty, ct)))
            .WithTags("Sidecars")
            .WithSummary("Every sidecar of the mesh, on whichever console replica it streams to, with its health and sync state against the latest snapshot.")
            .Produces<IReadOnlyList<SidecarStatus>>();
        return app;
    }
}
