using System.Net;
using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Integration.Tests.Echo;

using Mesh.Testing;

namespace Mesh.Integration.Tests;

/// <summary>Real traffic from a caller through its sidecar, to a peer sidecar, to the app, and back.</summary>
public sealed class TrafficTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    [Fact]
    public async Task Http11_ByServiceHeader_ReachesAnOrdersInstance()
    {
        using var client = MeshFixture.Client(mesh.Frontend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "hello") { Headers = { { "X-Mesh-Service", "orders" } } };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^orders-v[12] over HTTP/1.1$", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Http2_PriorKnowledge_StaysHttp2EndToEnd()
    {
        using var client = MeshFixture.Client(mesh.Frontend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "hello")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Headers = { { "X-Mesh-Service", "orders" } },
        };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.EndsWith("over HTTP/2", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http11_ByHostName_ReachesOrders()
    {
        using var client = MeshFixture.Client(mesh.Frontend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "hello") { Headers = { Host = "orders.mesh" } };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TraceParent_ReachesTheAppInTheSameTrace()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var client = MeshFixture.Client(mesh.Frontend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "traceparent")
        {
            Headers = { { "X-Mesh-Service", "orders" }, { "traceparent", $"00-{traceId}-00f067aa0ba902b7-01" } },
        };

        var seen = await (await client.SendAsync(request)).Content.ReadAsStringAsync();

        // Each hop may add its own span, but the trace is the caller's.
        Assert.Matches($"^00-{traceId}-[0-9a-f]{{16}}-0[01]$", seen);
    }

    [Fact]
    public async Task AdminMetrics_AfterTraffic_EachSidecarShowsItsOwnSideOfTheCall()
    {
        using var client = MeshFixture.Client(mesh.Frontend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "hello") { Headers = { { "X-Mesh-Service", "orders" } } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        var calledOut = $"http_client_request_duration_seconds_count\\{{[^}}]*mesh_destination_service=\"orders\"[^}}]*mesh_sidecar_instance=\"{mesh.Frontend.EffectiveInstanceId}\"";
        const string calledIn = "http_server_request_duration_seconds_count\\{[^}]*mesh_source_service=\"frontend\"";

        var frontend = await Load.MetricsMatchingAsync(mesh.Frontend, calledOut);
        var orders = await Load.MetricsMatchingAsync(calledIn, mesh.OrdersV1, mesh.OrdersV2);

        Assert.Matches(calledOut, frontend);
        Assert.Matches($"mesh_sidecar_snapshots_applied_total\\{{[^}}]*mesh_sidecar_instance=\"{mesh.Frontend.EffectiveInstanceId}\"", frontend);
        // A sidecar's meter is its own: the frontend's shows no calls into it, orders' no calls out.
        Assert.DoesNotContain("http_server_request_duration_seconds_count{", frontend, StringComparison.Ordinal);
        Assert.Matches(calledIn, orders);
    }

    [Fact]
    public async Task UnknownService_404SayingWhy()
    {
        using var client = MeshFixture.Client(mesh.Frontend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "hello") { Headers = { { "X-Mesh-Service", "ghost" } } };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no mesh service is named", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcUnaryAndBidirectional_ThroughTwoSidecars()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{mesh.Frontend.OutboundPort}");
        var echo = new Echo.Echo.EchoClient(channel);
        var headers = new Metadata { { "x-mesh-service", "orders" } };

        var reply = await echo.SayAsync(new EchoRequest { Text = "hi" }, headers);
        using var chat = echo.Chat(headers);
        foreach (var word in new[] { "one", "two", "three" })
            await chat.RequestStream.WriteAsync(new EchoRequest { Text = word });
        await chat.RequestStream.CompleteAsync();
        var replies = await chat.ResponseStream.ReadAllAsync().Select(r => r.Text).ToListAsync();

        Assert.Equal("hi", reply.Text);
        Assert.StartsWith("orders-v", reply.ServedBy, StringComparison.Ordinal);
        Assert.Equal(["ONE", "TWO", "THREE"], replies);
    }

    [Fact]
    public async Task GrpcWithoutHeader_RoutedByTheDeclaredGrpcService()
    {
        var current = await mesh.Api.GetAsync("api/services/orders");
        var version = current.IsSuccessStatusCode
            ? System.Text.Json.JsonDocument.Parse(await current.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt64()
            : 0;
        var revision = await mesh.Api.PutAsync("api/services/orders", $$"""{"owner":"team","grpcServices":["meshtest.v1.Echo"],"version":{{version}}}""");
        await MeshFixture.WaitForAsync(mesh.Frontend, config => MeshFixture.Revision(config) >= revision);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{mesh.Frontend.OutboundPort}");

        var reply = await new Echo.Echo.EchoClient(channel).SayAsync(new EchoRequest { Text = "no header" });

        Assert.Equal("no header", reply.Text);
        Assert.StartsWith("orders-v", reply.ServedBy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenMegabyteUpload_StreamsThroughIntact()
    {
        var body = RandomNumberGenerator.GetBytes(10 * 1024 * 1024);
        using var client = MeshFixture.Client(mesh.Frontend);
        using var request = new HttpRequestMessage(HttpMethod.Post, "digest") { Content = new ByteArrayContent(body), Headers = { { "X-Mesh-Service", "orders" } } };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TenMegabyteDownload_StreamsThroughIntact()
    {
        const int size = 10 * 1024 * 1024;
        using var client = MeshFixture.Client(mesh.Frontend);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"bytes/{size}") { Headers = { { "X-Mesh-Service", "orders" } } };

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var received = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SHA256.HashData(EchoApp.Pattern(size)), SHA256.HashData(received));
    }

    [Fact]
    public async Task ThousandConcurrentRequests_AllSucceed()
    {
        using var client = MeshFixture.Client(mesh.Frontend);

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "hello") { Headers = { { "X-Mesh-Service", "orders" } } };
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }));

        Assert.All(responses, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task HeaderRule_RoutesBetaUsersToV2AndTheRestToV1()
    {
        await mesh.Api.PutAsync("api/services/orders", new StringContent("""{"owner":"team","version":0}""", System.Text.Encoding.UTF8, "application/json"));
        var revision = await mesh.Api.PutAsync("api/services/orders/routes", """
            { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
              "rules": [
                { "match": {"headers": {"x-user-group": {"exact": "beta"}}}, "destinations": [ {"subset":"v2","weight":100} ] },
                { "destinations": [ {"subset":"v1","weight":100} ] } ],
              "version": 0 }
            """);
        await MeshFixture.WaitForAsync(mesh.Frontend, config => MeshFixture.Revision(config) >= revision);
        using var client = MeshFixture.Client(mesh.Frontend);

        async Task<string> CallAsync(bool beta)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "hello") { Headers = { { "X-Mesh-Service", "orders" } } };
            if (beta)
                request.Headers.Add("x-user-group", "beta");
            using var response = await client.SendAsync(request);
            return (await response.Content.ReadAsStringAsync()).Split(' ')[0];
        }

        var betas = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => CallAsync(beta: true)));
        var others = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => CallAsync(beta: false)));

        Assert.All(betas, served => Assert.Equal("orders-v2", served));
        Assert.All(others, served => Assert.Equal("orders-v1", served));
    }
}
