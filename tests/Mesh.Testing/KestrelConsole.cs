using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Mesh.Testing;

/// <summary>
/// The console on real Kestrel sockets on loopback: HTTP on one port, the gRPC control plane and the
/// OTLP receivers on others, over TLS with the mesh CA's certificate as shipped (or h2c when a test
/// opts out). The console writes its CAs to <see cref="CaFile"/>, which tests hand to sidecars.
/// </summary>
public sealed class KestrelConsole : WebApplicationFactory<Program>
{
    private static readonly Lock _issuedGate = new();
    private static readonly HashSet<int> _issued = [];

    private readonly TestDatabase _database;
    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <summary>
    /// A console on fresh ports, or on the given ones (to restart a console where it was). With
    /// <paramref name="meshTls"/> false the control plane and OTLP are h2c/http, the opt-out for a
    /// trusted network; a given control-plane address decides by its scheme.
    /// </summary>
    public KestrelConsole(
        TestDatabase database, IReadOnlyDictionary<string, string>? settings = null, Uri? httpAddress = null, Uri? controlPlaneAddress = null,
        bool meshTls = true)
    {
        _database = database;
        _settings = settings ?? new Dictionary<string, string>();
        var scheme = controlPlaneAddress?.Scheme ?? (meshTls ? "https" : "http");
        HttpAddress = httpAddress ?? new Uri($"http://127.0.0.1:{FreePort()}");
        ControlPlaneAddress = controlPlaneAddress ?? new Uri($"{scheme}://127.0.0.1:{FreePort()}");
        OtlpGrpcAddress = new Uri($"{scheme}://127.0.0.1:{FreePort()}");
        OtlpHttpAddress = new Uri($"{scheme}://127.0.0.1:{FreePort()}");
        CaFile = Path.Combine(Path.GetTempPath(), $"mesh-console-ca-{Guid.NewGuid():N}.pem");
        UseKestrel();
    }

    /// <summary>True when the control plane and OTLP serve TLS.</summary>
    public bool MeshTls => ControlPlaneAddress.Scheme == Uri.UriSchemeHttps;

    /// <summary>Where the console writes its trusted CAs (Mesh:ControlPlane:Tls:CaFile), at start and after each change.</summary>
    public string CaFile { get; }

    /// <summary>The CAs in <see cref="CaFile"/> now.</summary>
    public X509Certificate2Collection ReadCa()
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(CaFile);
        return certificates;
    }

    /// <summary>
    /// A handler for a test's own client of the control plane or OTLP ports: over TLS it trusts
    /// the console's CAs alone (and checks the host name), as a sidecar given the CA file does.
    /// </summary>
    public SocketsHttpHandler CreateMeshHandler()
    {
        var handler = new SocketsHttpHandler();
        if (!MeshTls)
            return handler;
        var roots = ReadCa();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is not X509Certificate2 presented || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            return chain.Build(presented);
        };
        return handler;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(CaFile);
    }

    /// <summary>
    /// The mesh-wide join token every test console creates at first start (Mesh:Bootstrap:JoinToken),
    /// unless the test's settings name another.
    /// </summary>
    public const string JoinToken = "mjt_test_join_token_of_the_console_under_test_0";

    public IReadOnlyDictionary<string, string> Settings => _settings;

    public Uri HttpAddress { get; }

    public Uri ControlPlaneAddress { get; }

    /// <summary>OTLP over gRPC, the console's 4317.</summary>
    public Uri OtlpGrpcAddress { get; }

    /// <summary>OTLP over HTTP, the console's 4318.</summary>
    public Uri OtlpHttpAddress { get; }

    /// <summary>A client of the console's HTTP port that sends the bootstrap admin API token.</summary>
    public HttpClient CreateHttpClient() => new HttpClient { BaseAddress = HttpAddress }.Authenticate();

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
        builder.UseSetting("Mesh:ControlPlane:Tls:CaFile", CaFile);
        foreach (var (key, value) in TestAccounts.BootstrapSettings)
            builder.UseSetting(key, value);
        builder.UseSetting("Mesh:Bootstrap:JoinToken", JoinToken);
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
    }

    /// <summary>
    /// A loopback port free now and never handed out before in this process. Taken below Linux's
    /// ephemeral range (32768–60999): a port the OS picked for us there can be given to one of the
    /// load tests' outgoing connections before the test binds it.
    /// </summary>
    public static int FreePort()
    {
        lock (_issuedGate)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(20_000, 32_000);
                if (_issued.Contains(port))
                    continue;
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                }
                catch (SocketException)
                {
                    continue;
                }

                _issued.Add(port);
                return port;
            }

            throw new InvalidOperationException("no free loopback port between 20000 and 31999");
        }
    }
}
