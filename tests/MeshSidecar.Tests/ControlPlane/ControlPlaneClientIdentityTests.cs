using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using MeshSidecar.Configuration;
using Microsoft.Extensions.Logging;

namespace MeshSidecar.Tests.ControlPlane;

/// <summary>A real sidecar joining a console (played by <see cref="FakeConsole"/>) over gRPC.</summary>
[Collection(RealSidecars.Name)]
public sealed class ControlPlaneClientIdentityTests : IAsyncLifetime
{
    private const string JoinToken = "mjt_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("mesh-sidecar-join-");
    private readonly TestCa _ca = new();
    private readonly LogCapture _logs = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _ca.Dispose();
        _state.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Connect_JoinTokenAndCsr_CertificateInForceAndShownAtIdentity()
    {
        await using var console = await FakeConsole.StartAsync(_ca, JoinToken, TimeSpan.FromHours(24));
        var options = Options(console, JoinToken);
        await using var sidecar = SidecarHost.Create(options, logging => logging.ClearProviders());
        await sidecar.StartAsync();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.AdminPort}") };

        var json = await PollIdentityAsync(admin);

        var hello = Assert.Single(console.Hellos);
        Assert.Equal(JoinToken, hello.Credentials);
        Assert.False(hello.Csr.IsEmpty);
        var root = json.RootElement;
        Assert.Equal("spiffe://mesh.local/svc/checkout", root.GetProperty("spiffeId").GetString());
        Assert.Equal(sidecar.Identity.Current!.Serial, root.GetProperty("serial").GetString());
        Assert.Equal("mesh.local", root.GetProperty("trustDomain").GetString());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(_ca.Certificate.RawData)), Assert.Single(root.GetProperty("trustAnchors").EnumerateArray()).GetString());
        Assert.Equal(sidecar.Identity.Current.RotateAt, root.GetProperty("nextRotation").GetDateTimeOffset());
    }

    [Fact]
    public async Task Connect_ShortLivedCertificate_AsksForNextAtHalfLife()
    {
        await using var console = await FakeConsole.StartAsync(_ca, JoinToken, TimeSpan.FromSeconds(4));
        var options = Options(console, JoinToken);
        await using var sidecar = SidecarHost.Create(options, logging => logging.ClearProviders());
        await sidecar.StartAsync();
        await WaitForAsync(() => sidecar.Identity.Current is not null, "no first certificate");
        var first = sidecar.Identity.Current!.Serial;

        await WaitForAsync(() => console.CertificateRequests > 0 && sidecar.Identity.Current!.Serial != first, "no rotation");

        Assert.Single(console.Hellos);
        Assert.NotEqual(first, sidecar.Identity.Current!.Serial);
    }

    [Fact]
    public async Task Connect_RefusedJoinToken_LogsConsolesReasonAndRetries()
    {
        await using var console = await FakeConsole.StartAsync(_ca, JoinToken, TimeSpan.FromHours(24));
        var options = Options(console, "mjt_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");
        await using var sidecar = SidecarHost.Create(options, logging => logging.ClearProviders().AddProvider(_logs));
        await sidecar.StartAsync();

        await WaitForAsync(() => console.Hellos.Count >= 2, "the sidecar did not try again");

        Assert.Contains("Error: The console refused this sidecar: join token expired at 2026-01-01T00:00:00Z; ask an admin for a new one; retrying", _logs.Lines);
        Assert.Null(sidecar.Identity.Current);
    }

    [Fact]
    public async Task Identity_BeforeAnyCertificate_404SayingSo()
    {
        var ports = TestMesh.FreePorts(5);
        var options = new SidecarOptions
        {
            Service = "checkout",
            AppPort = ports[0],
            // Nothing listens there: no console, so no certificate.
            ControlPlane = new Uri($"http://127.0.0.1:{ports[4]}"),
            OutboundPort = ports[1],
            InboundPort = ports[2],
            AdminPort = ports[3],
            StateDirectory = _state.FullName,
        };
        await using var sidecar = SidecarHost.Create(options, logging => logging.ClearProviders());
        await sidecar.StartAsync();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.AdminPort}") };

        using var response = await admin.GetAsync("/identity");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no workload certificate yet: waiting for the console", await response.Content.ReadAsStringAsync());
    }

    private SidecarOptions Options(FakeConsole console, string joinToken)
    {
        var ports = TestMesh.FreePorts(4);
        return new SidecarOptions
        {
            Service = "checkout",
            AppPort = ports[0],
            ControlPlane = console.Address,
            OutboundPort = ports[1],
            InboundPort = ports[2],
            AdminPort = ports[3],
            StateDirectory = _state.FullName,
            JoinToken = joinToken,
        };
    }

    private static async Task<JsonDocument> PollIdentityAsync(HttpClient admin)
    {
        // Bounded: 15 s for the certificate and the snapshot with the anchors to arrive.
        for (var attempt = 0; attempt < 150; attempt++)
        {
            using var response = await admin.GetAsync("/identity");
            if (response.IsSuccessStatusCode)
            {
                var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                if (json.RootElement.GetProperty("trustAnchors").GetArrayLength() > 0)
                    return json;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("/identity showed no certificate with trust anchors within 15 s");
    }

    private static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        // Bounded to 20 s: the wait ends as soon as the condition holds.
        for (var attempt = 0; attempt < 200 && !condition(); attempt++)
            await Task.Delay(100);
        Assert.True(condition(), failure);
    }
}
