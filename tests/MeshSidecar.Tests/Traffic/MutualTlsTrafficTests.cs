using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Contracts.Otlp.Collector.Metrics.V1;

namespace MeshSidecar.Tests.Traffic;

/// <summary>web → its sidecar → mutual TLS → orders' sidecar → orders app, for real, over loopback.</summary>
[Collection(RealSidecars.Name)]
public sealed class MutualTlsTrafficTests : IAsyncLifetime
{
    private const string StrictOrdersWebAllowed =
        """{"defaultAction":"deny","rules":[{"source":"web","destination":"orders","action":"allow"}],"mtls":{"mode":"strict"}}""";

    private TestMesh _mesh = null!;

    public async Task InitializeAsync() => _mesh = await TestMesh.StartAsync();

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public async Task Call_AllowedPairStrict_ReachesAppWithVerifiedCaller()
    {
        _mesh.IssueBoth();
        _mesh.Push(StrictOrdersWebAllowed);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        // The web app claims to be someone else: the callee's sidecar goes by the certificate.
        request.Headers.Add("X-Mesh-Source", "admin");

        using var response = await _mesh.Caller.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("orders over HTTP/1.1; caller web", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Call_AllowedPairOverHttp2_ReachesAppOverHttp2()
    {
        _mesh.IssueBoth();
        _mesh.Push(StrictOrdersWebAllowed);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await _mesh.Caller.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("orders over HTTP/2; caller web", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Call_AllowedPairOverGrpc_Answers()
    {
        _mesh.IssueBoth();
        _mesh.Push(StrictOrdersWebAllowed);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_mesh.WebOptions.OutboundPort}");
        var client = new MetricsService.MetricsServiceClient(channel);

        var response = await client.ExportAsync(new ExportMetricsServiceRequest());

        Assert.NotNull(response);
    }

    [Fact]
    public async Task Call_DeniedPair_403NamingSourceMethodPathAndRule()
    {
        _mesh.IssueBoth();
        _mesh.Push("""{"defaultAction":"allow","rules":[{"source":"web","destination":"orders","pathPrefixes":["/hello"],"action":"deny"}]}""");
        using var denied = new RefusalCounter(_mesh.OrdersOptions.EffectiveInstanceId, "mesh.access.denied", "mesh.source.service");
        using var statuses = new RefusalCounter(_mesh.OrdersOptions.EffectiveInstanceId, "http.server.request.duration", "http.response.status_code");

        using var response = await _mesh.Caller.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            "access denied: web → orders GET /hello: rules[0] (web → orders) is the most specific match and says deny",
            await response.Content.ReadAsStringAsync());
        Assert.Equal(1, denied["web"]);
        // The inbound metrics see the 403: the console's graph shows the edge as denied.
        Assert.Equal(1, statuses["403"]);
    }

    [Fact]
    public async Task Call_DeniedPairOverGrpc_PermissionDenied()
    {
        _mesh.IssueBoth();
        _mesh.Push("""{"defaultAction":"deny"}""");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_mesh.WebOptions.OutboundPort}");
        var client = new MetricsService.MetricsServiceClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(new ExportMetricsServiceRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.StartsWith($"access denied: web → orders POST /{TestMesh.MetricsGrpcService}/Export: no rule matches", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_DenyPushedBetweenRequests_AppliesToNextRequest()
    {
        _mesh.IssueBoth();
        _mesh.Push(StrictOrdersWebAllowed);
        using var before = await _mesh.Caller.GetAsync("/hello");

        _mesh.Push("""{"defaultAction":"deny","mtls":{"mode":"strict"}}""");
        using var after = await _mesh.Caller.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }

    [Fact]
    public async Task Call_CallerWithoutCertificateToStrictService_403SayingStrictMtlsIsRequired()
    {
        // Only orders has a certificate: web never reached the console, so it calls in plaintext.
        _mesh.Issue(_mesh.Orders, "orders");
        _mesh.Push(StrictOrdersWebAllowed);

        using var response = await _mesh.Caller.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.StartsWith("strict mTLS is required: orders accepts only mutual TLS", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_CallerWithoutCertificateToPermissiveService_OnlyWildcardRulesMatch()
    {
        _mesh.Issue(_mesh.Orders, "orders");
        _mesh.Push("""{"defaultAction":"deny","rules":[{"source":"web","destination":"orders","action":"allow"},{"source":"*","destination":"orders","pathPrefixes":["/public"],"action":"allow"}]}""");

        using var named = await _mesh.Caller.GetAsync("/hello");
        using var open = await _mesh.Caller.GetAsync("/public/hello");

        // web's sidecar names it in X-Mesh-Source, but without a certificate that proves nothing.
        Assert.Equal(HttpStatusCode.Forbidden, named.StatusCode);
        Assert.StartsWith("access denied: (no identity) → orders GET /hello: no rule matches", await named.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    [Fact]
    public async Task Call_MirroredToStrictService_CopyGoesOverMutualTls()
    {
        _mesh.IssueBoth();
        // Two instances behind the one orders sidecar: v1 takes the calls, v2 gets a copy of each.
        _mesh.Push(StrictOrdersWebAllowed, _mesh.OrdersOptions.InboundPort, orders =>
        {
            orders.Endpoints[0].Labels["version"] = "v1";
            var v2 = orders.Endpoints[0].Clone();
            v2.InstanceId = "orders-2";
            v2.Labels["version"] = "v2";
            orders.Endpoints.Add(v2);
            orders.RoutesJson = """
                {"subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"}}],
                 "rules":[{"destinations":[{"subset":"v1","weight":100}]}],"mirror":{"subset":"v2","percent":100}}
                """;
        });

        using var response = await _mesh.Caller.GetAsync("/hello");
        // The copy is sent in the background: bounded wait for it to arrive, 10 s at most.
        for (var attempt = 0; attempt < 100 && _mesh.Mirrored == 0; attempt++)
            await Task.Delay(100);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Strict orders would have answered a plaintext copy 403 before it reached the app.
        Assert.Equal(1, _mesh.Mirrored);
    }
}
