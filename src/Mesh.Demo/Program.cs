using Mesh.Demo;

// Flags: --console URL (REST, default http://127.0.0.1:8080), --control-plane URL (default
// http://127.0.0.1:15010), --otlp URL (the console's OTLP gRPC receiver, default http://127.0.0.1:4317),
// --rate N (requests per second into the frontend, default 5). The console's REST API needs an
// admin's API token: MESH_API_TOKEN (run.sh passes the bootstrap admin token); the sidecars join the
// mesh with a join token: MESH_JOIN_TOKEN (run.sh passes the bootstrap join token).
var flags = args.Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
var unknown = flags.Keys.Except(["--console", "--control-plane", "--otlp", "--rate"]).ToList();
if (unknown.Count > 0 || args.Length % 2 != 0
    || !Uri.TryCreate(flags.GetValueOrDefault("--console", "http://127.0.0.1:8080"), UriKind.Absolute, out var console)
    || !Uri.TryCreate(flags.GetValueOrDefault("--control-plane", "http://127.0.0.1:15010"), UriKind.Absolute, out var controlPlane)
    || !Uri.TryCreate(flags.GetValueOrDefault("--otlp", "http://127.0.0.1:4317"), UriKind.Absolute, out var otlp)
    || !double.TryParse(flags.GetValueOrDefault("--rate", "5"), System.Globalization.CultureInfo.InvariantCulture, out var rate) || rate is <= 0 or > 1000)
{
    Console.Error.WriteLine($"Mesh.Demo: bad arguments{(unknown.Count > 0 ? $" (unknown: {string.Join(", ", unknown)})" : "")}");
    Console.Error.WriteLine("Usage: Mesh.Demo [--console URL] [--control-plane URL] [--otlp URL] [--rate REQUESTS_PER_SECOND (0-1000]]");
    return 2;
}

using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
var logger = loggers.CreateLogger("Mesh.Demo");
using var stop = new CancellationTokenSource();
// Ctrl-C, or a TERM from a supervisor (run.sh, a container runtime): stop the mesh cleanly.
using var onInterrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);

var apiToken = Environment.GetEnvironmentVariable("MESH_API_TOKEN");
if (string.IsNullOrEmpty(apiToken))
{
    Console.Error.WriteLine("Mesh.Demo: MESH_API_TOKEN is not set: the demo writes its policies through the console's REST API, which needs an admin's API token (mat_...).");
    return 2;
}

var joinToken = Environment.GetEnvironmentVariable("MESH_JOIN_TOKEN");
if (string.IsNullOrEmpty(joinToken))
{
    Console.Error.WriteLine("Mesh.Demo: MESH_JOIN_TOKEN is not set: the demo's sidecars join the mesh with a join token (mjt_...) the console knows.");
    return 2;
}

await using var demo = new DemoMesh(console, controlPlane, otlp, apiToken, joinToken, logger);
await demo.StartAsync(stop.Token);
Console.WriteLine($"Demo mesh running: {ShopService.Shop.Count} shop instances with sidecars, {rate} requests/s into the frontend. Ctrl-C stops it.");
try
{
    await demo.SendTrafficAsync(rate, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}

return 0;

void Stop(System.Runtime.InteropServices.PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
