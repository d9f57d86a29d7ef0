using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeshConsole.Browser.Tests;

/// <summary>
/// The real console, started as its own process from its build output on a free loopback port,
/// with a fresh SQLite folder: what a user gets from the README's run command. It starts with the
/// bootstrap admin (<see cref="AdminPassword"/>) and API token (<see cref="ApiToken"/>).
/// </summary>
public sealed class ConsoleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly StringBuilder _output = new();

    private ConsoleProcess(Process process, string dataDirectory, Uri address, Uri controlPlane, Uri otlpGrpc)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Address = address;
        ControlPlane = controlPlane;
        OtlpGrpc = otlpGrpc;
    }

    public const string AdminUser = "admin";
    public const string AdminPassword = "browser-admin-password";
    public const string ApiToken = "mat_BrowserTestTokenBrowserTestTokenBrowserTest";

    /// <summary>The mesh-wide join token the console creates at its first start; the demo's and the tests' sidecars join with it.</summary>
    public const string JoinToken = "mjt_BrowserTestJoinTokenBrowserTestJoinTokenBro";

    public Uri Address { get; }

    public Uri ControlPlane { get; }

    /// <summary>The OTLP gRPC receiver (h2c).</summary>
    public Uri OtlpGrpc { get; }

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Starts the console; <paramref name="environment"/> adds settings (e.g. <c>Mesh__Authentication__…</c>).</summary>
    public static async Task<ConsoleProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}/");
        var controlPlane = new Uri($"http://127.0.0.1:{FreePort()}");
        var otlpGrpc = new Uri($"http://127.0.0.1:{FreePort()}");
        var dataDirectory = Directory.CreateTempSubdirectory("mesh-browser-").FullName;
        var assembly = ConsoleAssembly();
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            // Its own folder, where its appsettings.json is, as `dotnet run` would.
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Kestrel__Endpoints__Http__Url"] = address.ToString().TrimEnd('/');
        start.Environment["Kestrel__Endpoints__ControlPlane__Url"] = controlPlane.ToString().TrimEnd('/');
        start.Environment["Kestrel__Endpoints__OtlpGrpc__Url"] = otlpGrpc.ToString().TrimEnd('/');
        start.Environment["Kestrel__Endpoints__OtlpHttp__Url"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["Mesh__DataDirectory"] = dataDirectory;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Mesh__Bootstrap__AdminPassword"] = AdminPassword;
        start.Environment["Mesh__Bootstrap__ApiToken"] = ApiToken;
        start.Environment["Mesh__Bootstrap__JoinToken"] = JoinToken;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the console");
        var console = new ConsoleProcess(process, dataDirectory, address, controlPlane, otlpGrpc);
        process.OutputDataReceived += (_, e) => console.Append(e.Data);
        process.ErrorDataReceived += (_, e) => console.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await console.WaitUntilHealthyAsync();
        return console;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        // Bounded: 60 tries, half a second apart.
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the console exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await client.GetAsync("healthz")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"the console did not become healthy:\n{Output}");
    }

    private static string ConsoleAssembly() => BuildOutput("MeshConsole", "MeshConsole.dll");

    /// <summary>A file of a project's build output, which sits beside ours: same configuration, same framework.</summary>
    public static string BuildOutput(string project, string file)
    {
        var ours = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = ours.Name;
        var configuration = ours.Parent!.Name;
        var root = ours;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "MeshConsole.sln")))
            root = root.Parent;
        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("MeshConsole.sln not found above the tests"),
            "src", project, "bin", configuration, framework, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"build {project} first", path);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
