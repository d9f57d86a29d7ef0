using System.Net;
using System.Text.Json;
using Mesh.Testing;
using MeshSidecar.Configuration;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mesh.Integration.Tests;

/// <summary>
/// Sidecars push their request metrics over OTLP to the console, which turns them into the edges
/// of the live topology (<c>GET /api/topology</c>).
/// </summary>
public sealed class TelemetryTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task SidecarMetricsOverOtlp_EdgeWithEveryCallAndItsErrors(OtlpExportProtocol protocol)
    {
        var destination = protocol == OtlpExportProtocol.Grpc ? "stock-g" : "stock-h";
        var caller = protocol == OtlpExportProtocol.Grpc ? "shop-g" : "shop-h";
        await mesh.StartServiceAsync(destination, "version=v1");
        var endpoint = protocol == OtlpExportProtocol.Grpc ? mesh.Console.OtlpGrpcAddress : new Uri(mesh.Console.OtlpHttpAddress, "v1/metrics");
        var shop = await mesh.StartSidecarAsync(new SidecarOptions
        {
            Service = caller,
            AppPort = KestrelConsole.FreePort(),
            ControlPlane = mesh.Console.ControlPlaneAddress,
            ControlPlaneCa = MeshFixture.TrustOf(mesh.Console),
            JoinToken = KestrelConsole.JoinToken,
            OutboundPort = KestrelConsole.FreePort(),
            InboundPort = KestrelConsole.FreePort(),
            AdminPort = KestrelConsole.FreePort(),
            StateDirectory = Directory.CreateTempSubdirectory("mesh-sidecar-").FullName,
            Otlp = new OtlpExport(endpoint, protocol, TimeSpan.FromMilliseconds(200)),
        });
        await MeshFixture.WaitForAsync(shop, config => MeshFixture.Endpoints(config, destination) == 1);
        using var client = MeshFixture.Client(shop);

        var ok = await Load.SendAsync(client, 90, 4, _ => Load.To(destination, "hello"));
        var failed = await Load.SendAsync(client, 10, 2, _ => Load.To(destination, "flaky?fail=100"));

        Assert.All(ok, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(failed, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
        var edge = await EdgeAsync(caller, destination, e => e.GetProperty("requests").GetInt64() >= 100);
        Assert.Equal(100, edge.GetProperty("requests").GetInt64());
        Assert.Equal(10.0, edge.GetProperty("errorPercent").GetDouble());
        Assert.Equal("http", edge.GetProperty("protocol").GetString());
        Assert.True(edge.GetProperty("p50").GetDouble() > 0);
        var node = (await TopologyAsync()).GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("service").GetString() == destination);
        Assert.Equal("red", node.GetProperty("health").GetString());
        Assert.Equal(1, node.GetProperty("instances").GetInt32());
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task OpenTelemetrySdkSpans_ClientSpanOfAnAppWithoutSidecar_IsAnEdge(OtlpExportProtocol protocol)
    {
        var app = protocol == OtlpExportProtocol.Grpc ? "mobile-g" : "mobile-h";
        using var source = new System.Diagnostics.ActivitySource($"test.{app}");
        var endpoint = protocol == OtlpExportProtocol.Grpc ? mesh.Console.OtlpGrpcAddress : new Uri(mesh.Console.OtlpHttpAddress, "v1/traces");
        using (var tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .ConfigureResource(resource => resource.AddService(app))
            .AddOtlpExporter(otlp =>
            {
                otlp.Endpoint = endpoint;
                otlp.Protocol = protocol;
                otlp.Headers = $"Authorization=Bearer {TestAccounts.ApiToken}";
                otlp.HttpClientFactory = () => new HttpClient(mesh.Console.CreateMeshHandler());
                otlp.ExportProcessorType = OpenTelemetry.ExportProcessorType.Simple;
            })
            .Build())
        {
            for (var i = 0; i < 3; i++)
            {
                using var call = source.StartActivity("GET /catalog", System.Diagnostics.ActivityKind.Client);
                call?.SetTag("peer.service", "gateway");
                call?.SetTag("http.response.status_code", i == 0 ? 500 : 200);
            }

            Assert.True(tracing.ForceFlush(10_000));
        }

        var edge = await EdgeAsync(app, "gateway", e => e.GetProperty("requests").GetInt64() >= 3);
        Assert.Equal(3, edge.GetProperty("requests").GetInt64());
        Assert.InRange(edge.GetProperty("errorPercent").GetDouble(), 33.3, 33.4);
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task OpenTelemetrySdkMetrics_DefaultCumulativeTemporality_EachCallCountedOnce(OtlpExportProtocol protocol)
    {
        var app = protocol == OtlpExportProtocol.Grpc ? "kiosk-g" : "kiosk-h";
        using var meter = new System.Diagnostics.Metrics.Meter($"test.{app}");
        var duration = meter.CreateHistogram<double>("http.client.request.duration", "s");
        var endpoint = protocol == OtlpExportProtocol.Grpc ? mesh.Console.OtlpGrpcAddress : new Uri(mesh.Console.OtlpHttpAddress, "v1/metrics");
        using (var metrics = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
            .AddMeter(meter.Name)
            .ConfigureResource(resource => resource.AddService(app))
            .AddOtlpExporter((otlp, reader) =>
            {
                otlp.Endpoint = endpoint;
                otlp.Protocol = protocol;
                otlp.Headers = $"Authorization=Bearer {TestAccounts.ApiToken}";
                otlp.HttpClientFactory = () => new HttpClient(mesh.Console.CreateMeshHandler());
                // The SDK's default, spelled out: every export repeats the totals since the start.
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            })
            .Build())
        {
            Record(5);
            Assert.True(metrics.ForceFlush(10_000));
            Record(7);
            Assert.True(metrics.ForceFlush(10_000));
        }

        var edge = await EdgeAsync(app, "gateway", e => e.GetProperty("requests").GetInt64() >= 12);
        Assert.Equal(12, edge.GetProperty("requests").GetInt64());

        void Record(int calls)
        {
            for (var i = 0; i < calls; i++)
                duration.Record(0.02, new("server.address", "gateway"), new("http.response.status_code", 200));
        }
    }

    [Fact]
    public async Task Topology_UnknownWindow_400NamingTheField()
    {
        var response = await mesh.Api.GetAsync("api/topology?window=2m");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"window\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route90To10_SidecarMetricsOverOtlp_ObservedSplitPerSubsetNear90To10_OneEdge()
    {
        await mesh.StartServiceAsync("split-o", "version=v1", "version=v2");
        var shop = await mesh.StartSidecarAsync(new SidecarOptions
        {
            Service = "shop-s",
            AppPort = KestrelConsole.FreePort(),
            ControlPlane = mesh.Console.ControlPlaneAddress,
            ControlPlaneCa = MeshFixture.TrustOf(mesh.Console),
            JoinToken = KestrelConsole.JoinToken,
            OutboundPort = KestrelConsole.FreePort(),
            InboundPort = KestrelConsole.FreePort(),
            AdminPort = KestrelConsole.FreePort(),
            StateDirectory = Directory.CreateTempSubdirectory("mesh-sidecar-").FullName,
            Otlp = new OtlpExport(mesh.Console.OtlpGrpcAddress, OtlpExportProtocol.Grpc, TimeSpan.FromMilliseconds(200)),
        });
        await mesh.Api.PutAsync("api/services/split-o", """{"owner":"team","version":0}""");
        var revision = await mesh.Api.PutAsync("api/services/split-o/routes", """
            { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
              "rules": [ { "destinations": [ {"subset":"v1","weight":90}, {"subset":"v2","weight":10} ] } ],
              "version": 0 }
            """);
        await MeshFixture.WaitForRevisionAsync(revision, shop);
        using var client = MeshFixture.Client(shop);

        var answers = await Load.SendAsync(client, 2000, 8, _ => Load.To("split-o", "hello"));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var subsets = await SubsetsAsync("split-o", total: 2000);
        var v2 = subsets.Single(s => s.GetProperty("subset").GetString() == "v2").GetProperty("sharePercent").GetDouble();
        var v1 = subsets.Single(s => s.GetProperty("subset").GetString() == "v1").GetProperty("sharePercent").GetDouble();
        // 2000 calls at 10 %: the standard deviation is 0.67 points, so 7–13 % is over four of them.
        Assert.InRange(v2, 7.0, 13.0);
        Assert.Equal(100.0, v1 + v2, precision: 1);
        var edges = (await TopologyAsync()).GetProperty("edges").EnumerateArray()
            .Where(e => e.GetProperty("source").GetString() == "shop-s" && e.GetProperty("destination").GetString() == "split-o");
        Assert.Equal(2000, Assert.Single(edges).GetProperty("requests").GetInt64());
    }

    /// <summary>Polls a service's subsets until they hold <paramref name="total"/> calls; bounded to 15 s.</summary>
    private async Task<List<JsonElement>> SubsetsAsync(string service, long total)
    {
        var last = new List<JsonElement>();
        for (var attempt = 0; attempt < 75; attempt++)
        {
            var body = JsonDocument.Parse(await mesh.Api.GetStringAsync($"api/services/{service}/subsets?window=1m")).RootElement.Clone();
            last = [.. body.GetProperty("subsets").EnumerateArray()];
            if (last.Sum(s => s.GetProperty("requests").GetInt64()) >= total)
                return last;
            await Task.Delay(200);
        }

        throw new TimeoutException($"{service}'s subsets never held {total} calls; last: {string.Join(", ", last)}");
    }

    private async Task<JsonElement> TopologyAsync() =>
        JsonDocument.Parse(await mesh.Api.GetStringAsync("api/topology?window=1m")).RootElement.Clone();

    private Task<JsonElement> EdgeAsync(string source, string destination, Func<JsonElement, bool> until) =>
        MeshFixture.EdgeAsync(mesh.Api, source, destination, until);
}
