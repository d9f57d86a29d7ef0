using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Testing;
using MeshSidecar;
using MeshSidecar.Configuration;
using OpenTelemetry.Exporter;

namespace Mesh.Integration.Tests;

/// <summary>
/// TLS on the console's control plane and OTLP ports, with real sidecars over loopback: how a
/// sidecar is told whom to trust (CA file or pin), and what it does with a console it must not trust.
/// </summary>
public sealed class ControlPlaneTlsTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    [Fact]
    public async Task CaPin_SidecarConnectsGetsSnapshotAndItsOtlpExportsAreCounted()
    {
        var authorities = await mesh.Api.GetFromJsonAsync<JsonElement>("api/identity/ca");
        var pin = authorities.EnumerateArray().Single(a => a.GetProperty("state").GetString() == "active").GetProperty("pin").GetString()!;
        var caller = await mesh.StartSidecarAsync(Options(mesh.Console, "pinned") with
        {
            ControlPlaneCaPin = pin,
            Otlp = new OtlpExport(new Uri(mesh.Console.OtlpHttpAddress, "v1/metrics"), OtlpExportProtocol.HttpProtobuf, TimeSpan.FromMilliseconds(200)),
        });
        await MeshFixture.WaitForAsync(caller, config => MeshFixture.Endpoints(config, "orders") == 2);
        using var client = MeshFixture.Client(caller);

        var answers = await Load.SendAsync(client, 20, 2, _ => Load.To("orders", "hello"));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.StartsWith("sha256:", pin, StringComparison.Ordinal);
        var edge = await MeshFixture.EdgeAsync(mesh.Api, "pinned", "orders", e => e.GetProperty("requests").GetInt64() >= 20);
        Assert.Equal(20, edge.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task WrongCaFile_Refused_NothingRegistered_LogSaysExpectedAndPresented()
    {
        using var stranger = StrangerCa();
        var file = Path.Combine(Directory.CreateTempSubdirectory("mesh-ca-").FullName, "stranger.pem");
        await File.WriteAllTextAsync(file, stranger.ExportCertificatePem());
        var options = Options(mesh.Console, "wrong-ca") with
        {
            ControlPlaneCa = new ControlPlaneCa(file, [X509CertificateLoader.LoadCertificate(stranger.RawData)]),
        };

        var log = await StartLoggedAsync(options);

        var line = await log.WaitForAsync("Refused the TLS certificate");
        Assert.Contains($"expected a chain to a CA of {file}", line, StringComparison.Ordinal);
        Assert.Contains("presented CN=localhost", line, StringComparison.Ordinal);
        Assert.Contains("issued by CN=Mesh CA 1, O=mesh.local", line, StringComparison.Ordinal);
        await AssertNotRegisteredAsync(mesh.Api, options);
    }

    [Fact]
    public async Task WrongPin_Refused_NothingRegistered_LogSaysExpectedAndPresented()
    {
        var wrong = "sha256:" + new string('0', 64);
        var options = Options(mesh.Console, "wrong-pin") with { ControlPlaneCa = null, ControlPlaneCaPin = wrong };

        var log = await StartLoggedAsync(options);

        var line = await log.WaitForAsync("Refused the CAs served at");
        Assert.Contains($"expected one with --control-plane-ca-pin {wrong}", line, StringComparison.Ordinal);
        Assert.True(line.Contains($"presented CN=Mesh CA 1, O=mesh.local {ActivePin(mesh.Console)}", StringComparison.Ordinal), line);
        await AssertNotRegisteredAsync(mesh.Api, options);
    }

    [Fact]
    public async Task NoTrustFlag_SystemStoreDoesNotKnowTheMeshCa_Refused()
    {
        var options = Options(mesh.Console, "no-trust") with { ControlPlaneCa = null };

        var log = await StartLoggedAsync(options);

        var line = await log.WaitForAsync("Refused the TLS certificate");
        Assert.Contains("the system trust store", line, StringComparison.Ordinal);
        await AssertNotRegisteredAsync(mesh.Api, options);
    }

    [Fact]
    public async Task PlaintextSidecarToTlsPort_Refused_NothingRegistered_LogSaysUnreachable()
    {
        var plain = new UriBuilder(mesh.Console.ControlPlaneAddress) { Scheme = "http" }.Uri;
        var options = Options(mesh.Console, "plaintext") with { ControlPlane = plain, ControlPlaneCa = null };

        var log = await StartLoggedAsync(options);

        var line = await log.WaitForAsync("unreachable");
        Assert.Contains(plain.ToString(), line, StringComparison.Ordinal);
        await AssertNotRegisteredAsync(mesh.Api, options);
    }

    [Fact]
    public async Task H2cOptOut_SidecarWithoutTrustFlagConnectsAndExportsOtlp()
    {
        await using var database = await TestDatabase.CreateAsync(Mesh.Store.StoreProviders.Sqlite);
        await using var console = new KestrelConsole(database, new Dictionary<string, string> { ["Mesh:ControlPlane:PushDebounce"] = "00:00:00.020" }, meshTls: false);
        console.StartServer();
        using var api = console.CreateHttpClient();
        await using var app = await EchoApp.StartAsync("h2c-orders");
        var orders = Options(console, "orders", app.Port);
        var caller = Options(console, "h2c-caller") with
        {
            Otlp = new OtlpExport(console.OtlpGrpcAddress, OtlpExportProtocol.Grpc, TimeSpan.FromMilliseconds(200)),
        };
        await using var ordersHost = await StartAsync(orders);
        await using var callerHost = await StartAsync(caller);
        await MeshFixture.WaitForAsync(caller, config => MeshFixture.Endpoints(config, "orders") == 1);
        using var client = MeshFixture.Client(caller);

        var answers = await Load.SendAsync(client, 5, 1, _ => Load.To("orders", "hello"));

        Assert.Equal("http", console.ControlPlaneAddress.Scheme);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var edge = await MeshFixture.EdgeAsync(api, "h2c-caller", "orders", e => e.GetProperty("requests").GetInt64() >= 5);
        Assert.Equal(5, edge.GetProperty("requests").GetInt64());
    }

    internal static SidecarOptions Options(KestrelConsole console, string service, int? appPort = null) => new()
    {
        Service = service,
        AppPort = appPort ?? KestrelConsole.FreePort(),
        ControlPlane = console.ControlPlaneAddress,
        ControlPlaneCa = MeshFixture.TrustOf(console),
        JoinToken = KestrelConsole.JoinToken,
        OutboundPort = KestrelConsole.FreePort(),
        InboundPort = KestrelConsole.FreePort(),
        AdminPort = KestrelConsole.FreePort(),
        StateDirectory = Directory.CreateTempSubdirectory("mesh-sidecar-").FullName,
    };

    internal static async Task<SidecarHost> StartAsync(SidecarOptions options, LogLines? log = null)
    {
        var host = SidecarHost.Create(options, logging =>
        {
            logging.ClearProviders();
            if (log is not null)
                logging.AddProvider(log);
        });
        await host.StartAsync();
        return host;
    }

    /// <summary>The pin of the console's active CA, from the CA file it wrote.</summary>
    internal static string ActivePin(KestrelConsole console) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(console.ReadCa()[0].PublicKey.ExportSubjectPublicKeyInfo()));

    /// <summary>The certificate the console presents on its control plane now; the handshake fails unless it chains to the console's CA file.</summary>
    internal static async Task<X509Certificate2> PresentedAsync(KestrelConsole console)
    {
        var address = console.ControlPlaneAddress;
        var roots = console.ReadCa();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        X509Certificate2? presented = null;
        await using var tls = new SslStream(tcp.GetStream(), false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = address.Host,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                    return false;
                presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                return chain.Build(presented);
            },
        });
        return presented ?? throw new InvalidOperationException("the console presented no certificate");
    }

    /// <summary>Waits until a sidecar answers /ready as connected to the control plane (not serving a kept snapshot); bounded to 15 s.</summary>
    internal static async Task WaitConnectedAsync(SidecarOptions sidecar)
    {
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{sidecar.AdminPort}/") };
        var last = "";
        for (var attempt = 0; attempt < 150; attempt++)
        {
            using var response = await admin.GetAsync("ready");
            last = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode && !last.Contains("unreachable", StringComparison.Ordinal))
                return;
            await Task.Delay(100);
        }

        throw new TimeoutException($"sidecar {sidecar.EffectiveInstanceId} never connected; /ready said: {last}");
    }

    private static X509Certificate2 StrangerCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Stranger CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private async Task<LogLines> StartLoggedAsync(SidecarOptions options)
    {
        var log = new LogLines();
        var host = await StartAsync(options, log);
        mesh.Adopt(host);
        return log;
    }

    /// <summary>The console never heard of the instance, and the sidecar has no snapshot to serve.</summary>
    private static async Task AssertNotRegisteredAsync(HttpClient api, SidecarOptions options)
    {
        var sidecars = await api.GetFromJsonAsync<JsonElement>("api/sidecars");
        Assert.DoesNotContain(sidecars.EnumerateArray(), s => s.GetProperty("instanceId").GetString() == options.EffectiveInstanceId);
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.AdminPort}/") };
        using var ready = await admin.GetAsync("ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}

/// <summary>Every line a sidecar logs, for tests that check what an operator reads.</summary>
internal sealed class LogLines : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    /// <summary>The first line containing <paramref name="text"/>; bounded to 15 s.</summary>
    public async Task<string> WaitForAsync(string text)
    {
        for (var attempt = 0; attempt < 150; attempt++)
        {
            if (_lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
                return line;
            await Task.Delay(100);
        }

        throw new TimeoutException($"no log line contains \"{text}\"; lines: {string.Join(" | ", _lines)}");
    }

    public void Dispose()
    {
        // Lines stay readable after the sidecar let go of its loggers.
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}
