using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshSidecar.Tests.Traffic;

/// <summary>web's sidecar calling an instance of orders that is not what it claims to be.</summary>
[Collection(RealSidecars.Name)]
public sealed class OutboundTlsTests : IAsyncLifetime
{
    private TestMesh _mesh = null!;
    private RefusalCounter _refusals = null!;

    public async Task InitializeAsync()
    {
        _mesh = await TestMesh.StartAsync();
        _refusals = new RefusalCounter(_mesh.WebOptions.EffectiveInstanceId, "mesh.tls.handshakes.refused", "mesh.tls.refusal");
        _mesh.IssueBoth();
    }

    public async Task DisposeAsync()
    {
        _refusals.Dispose();
        await _mesh.DisposeAsync();
    }

    [Fact]
    public async Task Call_InstanceWithAnotherServicesCertificate_RefusedAsWrongService()
    {
        using var payments = _mesh.Ca.Client("payments");
        await using var impostor = await StartImpostorAsync(payments);
        _mesh.Push(null, impostor.Port);

        using var response = await _mesh.Caller.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.True(_refusals["wrong-service"] > 0);
        Assert.Equal(_refusals.Total, _refusals["wrong-service"]);
        Assert.Equal(0, impostor.Served);
    }

    [Fact]
    public async Task Call_InstanceWithSelfSignedCertificate_RefusedAsUntrusted()
    {
        using var selfSigned = TestCa.SelfSigned("orders");
        await using var impostor = await StartImpostorAsync(selfSigned);
        _mesh.Push(null, impostor.Port);

        using var response = await _mesh.Caller.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.True(_refusals["untrusted"] > 0);
        Assert.Equal(0, impostor.Served);
    }

    [Fact]
    public async Task Call_CallerWithoutCertificateYet_Plaintext()
    {
        await using var mesh = await TestMesh.StartAsync();
        mesh.Issue(mesh.Orders, "orders");
        mesh.Push("""{"defaultAction":"allow"}""");

        var body = await mesh.Caller.GetStringAsync("/hello");

        // Reached the app, unverified: web's sidecar had no certificate to call with.
        Assert.Equal("orders over HTTP/1.1; caller web", body);
    }

    /// <summary>A TLS server presenting <paramref name="certificate"/>, counting what it serves.</summary>
    private static async Task<Impostor> StartImpostorAsync(X509Certificate2 certificate)
    {
        var port = TestMesh.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var impostor = new Impostor(app, port);
        app.MapGet("/hello", () =>
        {
            impostor.Count();
            return "impostor";
        });
        await app.StartAsync();
        return impostor;
    }

    private sealed class Impostor(WebApplication app, int port) : IAsyncDisposable
    {
        private int _served;

        public int Port => port;

        public int Served => Volatile.Read(ref _served);

        public void Count() => Interlocked.Increment(ref _served);

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
