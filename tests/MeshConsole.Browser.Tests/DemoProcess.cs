using System.Diagnostics;
using System.Text;

namespace MeshConsole.Browser.Tests;

/// <summary>The demo shop (src/Mesh.Demo) as its own process, pointed at a test console: what the README's run command starts.</summary>
public sealed class DemoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DemoProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static DemoProcess Start(ConsoleProcess console, double rate)
    {
        var start = new ProcessStartInfo("dotnet",
        [
            ConsoleProcess.BuildOutput("Mesh.Demo", "Mesh.Demo.dll"),
            "--console", console.Address.ToString(),
            "--control-plane", console.ControlPlane.ToString(),
            "--otlp", console.OtlpGrpc.ToString(),
            "--rate", rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["MESH_API_TOKEN"] = ConsoleProcess.ApiToken;
        start.Environment["MESH_JOIN_TOKEN"] = ConsoleProcess.JoinToken;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the demo");
        var demo = new DemoProcess(process);
        process.OutputDataReceived += (_, e) => demo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => demo.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return demo;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }
}
