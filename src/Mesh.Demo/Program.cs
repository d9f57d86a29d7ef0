using System.Runtime.InteropServices;
using Mesh.Demo;

// Modes and flags: see DemoCommandLine.Usage. The console's REST API needs an admin's API token:
// MESH_API_TOKEN (run.sh passes the bootstrap admin token); the sidecars of the in-process shop join
// the mesh with a join token: MESH_JOIN_TOKEN (run.sh passes the bootstrap join token).
using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
using var stop = new CancellationTokenSource();
// Ctrl-C, or a TERM from a supervisor (run.sh, a container runtime): stop cleanly.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await DemoProgram.RunAsync(args, Environment.GetEnvironmentVariable, loggers, stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
