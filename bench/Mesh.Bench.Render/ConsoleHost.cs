using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Mesh.Bench.Render;

/// <summary>
/// A fresh console started as its own process from its Release build output, as the browser tests do:
/// its four endpoints on free loopback ports, a temporary data folder, Production settings, and its
/// first-start accounts: the <c>admin</c> user with a random password (the pages sign in with it) and
/// an admin API token (the feed exports with it). Its output goes to a log file in the run's folder.
/// </summary>
internal sealed class ConsoleHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly StreamWriter _log;

    public const string AdminUser = "admin";

    private ConsoleHost(Process process, string dataDirectory, StreamWriter log, Uri address, Uri otlpHttp, string adminPassword, string apiToken)
    {
        AdminPassword = adminPassword;
        ApiToken = apiToken;
        _process = process;
        _dataDirectory = dataDirectory;
        _log = log;
        Address = address;
        OtlpHttp = otlpHttp;
    }

    public Uri Address { get; }

    public Uri OtlpHttp { get; }

    /// <summary>The password of <see cref="AdminUser"/>, made for this console.</summary>
    public string AdminPassword { get; }

    /// <summary>An admin API token (<c>mat_…</c>), made for this console.</summary>
    public string ApiToken { get; }

    public int Pid => _process.Id;

    public static async Task<ConsoleHost> StartAsync(string assembly, string logPath)
    {
        assembly = Path.GetFullPath(assembly);
        var address = new Uri($"http://127.0.0.1:{FreePort()}/");
        var otlpHttp = new Uri($"http://127.0.0.1:{FreePort()}/");
        var dataDirectory = Directory.CreateTempSubdirectory("mesh-bench-render-").FullName;
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            // Its own folder, where its appsettings.json is, as `dotnet run` would.
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Kestrel__Endpoints__Http__Url"] = address.ToString().TrimEnd('/');
        start.Environment["Kestrel__Endpoints__ControlPlane__Url"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["Kestrel__Endpoints__OtlpGrpc__Url"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["Kestrel__Endpoints__OtlpHttp__Url"] = otlpHttp.ToString().TrimEnd('/');
        start.Environment["Mesh__DataDirectory"] = dataDirectory;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var adminPassword = RandomText(18);
        var apiToken = "mat_" + RandomText(32);
        start.Environment["Mesh__Bootstrap__AdminPassword"] = adminPassword;
        start.Environment["Mesh__Bootstrap__ApiToken"] = apiToken;

        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the console");
        var host = new ConsoleHost(process, dataDirectory, log, address, otlpHttp, adminPassword, apiToken);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.WaitUntilHealthyAsync().ConfigureAwait(false);
        return host;
    }

    public TimeSpan? Cpu => ProcStats.CpuTime(_process.Id);

    public long? RssKib => ProcStats.StatusKib(_process.Id, "VmRSS");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        lock (_log)
            _log.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
        {
            if (_log.BaseStream.CanWrite)
                _log.WriteLine(line);
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        // Bounded: 120 tries, half a second apart.
        for (var attempt = 0; attempt < 120; attempt++)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the console exited with {_process.ExitCode}; see its log");
            try
            {
                using var answer = await client.GetAsync(new Uri("healthz", UriKind.Relative)).ConfigureAwait(false);
                if (answer.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(500).ConfigureAwait(false);
        }

        throw new TimeoutException("the console did not answer /healthz within 60 s; see its log");
    }

    /// <summary>Random bytes in base64url without padding: 32 give the 43 characters a token needs.</summary>
    private static string RandomText(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
