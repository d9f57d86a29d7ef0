using MeshCtl;

using var interrupted = new CancellationTokenSource();
// Ctrl-C ends the command (top's redraw loop, experiments run --wait) instead of killing the process mid-write.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};
var shell = new Shell(Console.Out, Console.Error, Console.In, Environment.GetEnvironmentVariable, !Console.IsOutputRedirected);
return await MeshCtlApp.RunAsync(args, shell, interrupted.Token);
