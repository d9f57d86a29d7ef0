using MeshSidecar;
using MeshSidecar.Configuration;

var (options, errors) = SidecarCommandLine.Parse(args, Environment.GetEnvironmentVariable);
if (options is null)
{
    foreach (var error in errors)
        Console.Error.WriteLine($"MeshSidecar: {error}");
    Console.Error.WriteLine(SidecarCommandLine.Usage);
    return 2;
}

await using var sidecar = SidecarHost.Create(options);
await sidecar.StartAsync();
await sidecar.WaitForShutdownAsync();
return 0;
