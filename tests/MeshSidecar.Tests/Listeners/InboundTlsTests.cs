using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Contracts.Otlp.Collector.Metrics.V1;
using MeshSidecar.Identity;

namespace MeshSidecar.Tests.Listeners;

/// <summary>Callers straight at orders' inbound port: TLS with good and bad certificates, and plaintext.</summary>
[Collection(RealSidecars.Name)]
public sealed class InboundTlsTests : IAsyncLifetime
{
    private const string Strict = """{"defaultAction":"allow","mtls":{"mode":"strict"}}""";
    private const string Permissive = """{"defaultAction":"allow","mtls":{"mode":"strict","services":{"orders":"permissive"}}}""";

    private TestMesh _mesh = null!;
    private RefusalCounter _refusals = null!;

    public async Task InitializeAsync()
    {
        _mesh = await TestMesh.StartAsync();
        _refusals = new RefusalCounter(_mesh.OrdersOptions.EffectiveInstanceId, "mesh.tls.handshakes.refused", "mesh.tls.refusal");
        _mesh.Issue(_mesh.Orders, "orders");
    }

    public async Task DisposeAsync()
    {
        _refusals.Dispose();
        await _mesh.DisposeAsync();
    }

    [Fact]
    public async Task Handshake_CertificateFromTheMeshCa_CallerIsItsService()
    {
        _mesh.Push(Strict);
        using var certificate = _mesh.Ca.Client("billing");
        using var client = _mesh.Direct(certificate);

        var body = await client.GetStringAsync("/hello");

        Assert.Equal("orders over HTTP/1.1; caller billing", body);
    }

    [Fact]
    public async Task Handshake_SelfSignedCertificate_RefusedAsUntrusted()
    {
        _mesh.Push(Strict);
        using var certificate = TestCa.SelfSigned("billing");

        await AssertRefusedAsync(certificate);

        AssertOnlyReason("untrusted");
    }

    [Fact]
    public async Task Handshake_ExpiredCertificate_RefusedAsExpired()
    {
        _mesh.Push(Strict);
        using var certificate = _mesh.Ca.Client("billing", DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow.AddHours(-1));

        await AssertRefusedAsync(certificate);

        AssertOnlyReason("expired");
    }

    [Fact]
    public async Task Handshake_RevokedSerial_RefusedAsRevoked()
    {
        using var certificate = _mesh.Ca.Client("billing");
        _mesh.Push(Strict, certificate.SerialNumber);

        await AssertRefusedAsync(certificate);

        AssertOnlyReason("revoked");
    }

    [Fact]
    public async Task Handshake_OtherTrustDomain_RefusedAsWrongTrustDomain()
    {
        _mesh.Push(Strict);
        using var certificate = _mesh.Ca.Client("billing", trustDomain: "other.example");

        await AssertRefusedAsync(certificate);

        AssertOnlyReason("wrong-trust-domain");
    }

    [Fact]
    public async Task Request_SerialRevokedAfterHandshake_NextRequest403()
    {
        _mesh.Push(Strict);
        using var certificate = _mesh.Ca.Client("billing");
        using var client = _mesh.Direct(certificate);
        using var before = await client.GetAsync("/hello");

        _mesh.Push(Strict, certificate.SerialNumber);
        // The same pooled connection: its handshake was fine, the revocation still applies.
        using var after = await client.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        Assert.Contains($"(serial {certificate.SerialNumber}) is revoked", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_TlsWithoutClientCertificateToStrict_403()
    {
        _mesh.Push(Strict);
        using var client = _mesh.Direct(null);

        using var response = await client.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.StartsWith("strict mTLS is required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_PlaintextToStrict_403SayingStrictMtlsIsRequired()
    {
        _mesh.Push(Strict);
        using var client = _mesh.Plaintext();

        using var response = await client.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            "strict mTLS is required: orders accepts only mutual TLS with a mesh workload certificate, and this call has none",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Request_PlaintextGrpcToStrict_PermissionDenied()
    {
        _mesh.Push(Strict);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_mesh.OrdersOptions.InboundPort}");
        var client = new MetricsService.MetricsServiceClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(new ExportMetricsServiceRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.StartsWith("strict mTLS is required", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_PlaintextToPermissive_ReachesAppWithClaimedSourceUnverified()
    {
        _mesh.Push(Permissive);
        using var client = _mesh.Plaintext();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add("X-Mesh-Source", "billing");

        using var response = await client.SendAsync(request);

        // Passed on as the caller said it: for the app's logs and metrics, not a proven identity.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("orders over HTTP/1.1; caller billing", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Request_PlaintextGrpcToPermissive_Answers()
    {
        _mesh.Push(Permissive);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_mesh.OrdersOptions.InboundPort}");
        var client = new MetricsService.MetricsServiceClient(channel);

        var response = await client.ExportAsync(new ExportMetricsServiceRequest());

        Assert.NotNull(response);
    }

    [Fact]
    public async Task Request_TlsOverHttp2WithMeshCertificate_ServedOverHttp2()
    {
        _mesh.Push(Strict);
        using var certificate = _mesh.Ca.Client("billing");
        using var client = _mesh.Direct(certificate);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("orders over HTTP/2; caller billing", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Handshake_ServerCertificate_IsTheSidecarsWorkloadCertificate()
    {
        _mesh.Push(Strict);
        using var certificate = _mesh.Ca.Client("billing");
        string? served = null;
        using var client = _mesh.Direct(certificate, server => served = server.SerialNumber);

        await client.GetStringAsync("/hello");

        Assert.Equal(_mesh.Orders.Identity.Current!.Serial, served);
    }

    /// <summary>Refused at least once (HttpClient may retry a connection refused this way), and always for this reason.</summary>
    private void AssertOnlyReason(string reason)
    {
        Assert.True(_refusals[reason] > 0, $"no handshake refused as {reason}");
        Assert.Equal(_refusals.Total, _refusals[reason]);
    }

    private async Task AssertRefusedAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        using var client = _mesh.Direct(certificate);
        // With TLS 1.3 the client may learn of the refusal only when it reads the answer.
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/hello"));
        Assert.IsType<WorkloadIdentity>(_mesh.Orders.Identity.Current);
    }
}
