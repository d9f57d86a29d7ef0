using MeshConsole;

var builder = WebApplication.CreateBuilder(args);
builder.AddMeshConsole();

var app = builder.Build();
app.MapMeshConsole();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
