using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Mesh.Testing;

/// <summary>The console on real Kestrel sockets on loopback: HTTP on one port, the gRPC control plane (h2c) on another.</summary>
public sealed class KestrelConsole : WebApplicationFactory<Program>
{
    private readonly TestDatabase _database;
    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <summary>A console on fresh ports, or on the given ones (to restart a console where it was).</summary>
    public KestrelConsole(
        TestDatabase database, IReadOnlyDictionary<string, string>? settings = null, Uri? httpAddress = null, Uri? controlPlaneAddress = null)
    {
        _database = database;
        _settings = settings ?? new Dictionary<string, string>();
        HttpAddress = httpAddress ?? new Uri($"http://127.0.0.1:{FreePort()}");
        ControlPlaneAddress = controlPlaneAddress ?? new Uri($"http://127.0.0.1:{FreePort()}");
        OtlpGrpcAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        OtlpHttpAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        UseKestrel();
    }

    public IReadOnlyDictionary<string, string> Settings => _settings;

    public Uri HttpAddress { get; }

    public Uri ControlPlaneAddress { get; }

    /// <summary>OTLP over gRPC (h2c), the console's 4317.</summary>
    public Uri OtlpGrpcAddress { get; }

    /// <summary>OTLP over HTTP, the console's 4318.</summary>
    public Uri OtlpHttpAddress { get; }

    public HttpClient CreateHttpClient() => new() { BaseAddress = HttpAddress };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Mesh:Store", _database.Options.Store);
        builder.UseSetting("Mesh:DataDirectory", _database.Options.DataDirectory);
        builder.UseSetting("ConnectionStrings:Mesh", _database.Options.ConnectionString ?? "");
        builder.UseSetting("Kestrel:Endpoints:Http:Url", HttpAddress.ToString());
        builder.UseSetting("Kestrel:Endpoints:ControlPlane:Url", ControlPlaneAddress.ToString());
        builder.UseSetting("Kestrel:Endpoints:ControlPlane:Protocols", "Http2");
        builder.UseSetting("Kestrel:Endpoints:OtlpGrpc:Url", OtlpGrpcAddress.ToString());
        builder.UseSetting("Kestrel:Endpoints:OtlpHttp:Url", OtlpHttpAddress.ToString());
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
