using MeshConsole;

var builder = WebApplication.CreateBuilder(args);
builder.AddMeshConsole();

var app = builder.Build();
// `MeshConsole migrate`: a deployment step (compose's one-shot, a Kubernetes Job) that brings the
// store's schema up to date and exits, so replicas can start with Mesh__ApplyMigrations=false.
if (args is ["migrate", ..])
    return await app.MigrateStoreAsync();

app.MapMeshConsole();
app.Run();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
