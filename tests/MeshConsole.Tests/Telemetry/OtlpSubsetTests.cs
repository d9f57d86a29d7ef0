using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Net.Client;
using Mesh.Contracts.Otlp.Collector.Metrics.V1;
using Mesh.Contracts.Otlp.Collector.Trace.V1;
using Mesh.Contracts.Otlp.Common.V1;
using Mesh.Contracts.Otlp.Metrics.V1;
using Mesh.Contracts.Otlp.Resource.V1;
using Mesh.Contracts.Otlp.Trace.V1;
using Mesh.Testing;
using OtlpSpan = Mesh.Contracts.Otlp.Trace.V1.Span;

namespace MeshConsole.Tests.Telemetry;

/// <summary>
/// <c>mesh.destination.subset</c> on calls: counted per (service, subset) for the observed split, served
/// by <c>GET /api/services/{name}/subsets</c>, while the topology keeps one edge per caller and callee.
/// </summary>
public sealed class OtlpSubsetTests : ConsoleApiTest
{
    [Fact]
    public async Task SidecarMetricsWithSubsets_SplitPerSubset_TopologyEdgeStaysWhole()
    {
        var export = Export(Point("shop", "orders", "v1", 200, 90), Point("shop", "orders", "v2", 200, 9), Point("shop", "orders", "v2", 503, 1), Point("shop", "orders", null, 200, 5));

        var answer = await PostMetricsAsync(export);

        Assert.Null(answer.PartialSuccess);
        var subsets = await SubsetsAsync("orders", total: 100);
        var v1 = subsets.Single(s => s.GetProperty("subset").GetString() == "v1");
        var v2 = subsets.Single(s => s.GetProperty("subset").GetString() == "v2");
        Assert.Equal(90.0, v1.GetProperty("sharePercent").GetDouble());
        Assert.Equal(10.0, v2.GetProperty("sharePercent").GetDouble());
        Assert.Equal(10.0, v2.GetProperty("errorPercent").GetDouble());
        Assert.True(v1.GetProperty("p99").GetDouble() > 0);
        var topology = JsonDocument.Parse(await Client.GetStringAsync("/api/topology?window=1m")).RootElement;
        var edge = Assert.Single(topology.GetProperty("edges").EnumerateArray(), e => e.GetProperty("destination").GetString() == "orders");
        Assert.Equal(105, edge.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task ClientSpanWithSubset_ServiceWithoutSidecar_CountsForTheSubset()
    {
        using var channel = GrpcChannel.ForAddress(Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Factory.Server.CreateHandler().Authenticate() });
        var span = ClientSpan(1, "cart", "blue");

        var answer = await new TraceService.TraceServiceClient(channel).ExportAsync(new ExportTraceServiceRequest
        {
            ResourceSpans = { new ResourceSpans { Resource = Resource("web-sdk"), ScopeSpans = { new ScopeSpans { Spans = { span } } } } },
        });

        Assert.Null(answer.PartialSuccess);
        var blue = Assert.Single(await SubsetsAsync("cart", total: 1));
        Assert.Equal("blue", blue.GetProperty("subset").GetString());
    }

    [Theory]
    [InlineData("V1")]
    [InlineData("has space")]
    [InlineData("")]
    public async Task SubsetNotADnsLabel_PointRejectedNamingTheAttribute(string subset)
    {
        var export = Export(Point("shop", "ledger", subset, 200, 3), Point("shop", "ledger", "ok", 200, 2));

        var answer = await PostMetricsAsync(export);

        Assert.Equal(1, answer.PartialSuccess.RejectedDataPoints);
        Assert.Contains("dataPoints[0]: mesh.destination.subset:", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        var only = Assert.Single(await SubsetsAsync("ledger", total: 2));
        Assert.Equal("ok", only.GetProperty("subset").GetString());
    }

    [Theory]
    [InlineData("/api/services/orders/subsets?window=2m", "window")]
    [InlineData("/api/services/Not_A_Name/subsets", "name")]
    public async Task Subsets_BadQuery_400NamingTheField(string url, string field)
    {
        var response = await Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
    }

    [Fact]
    public async Task Subsets_ServiceNeverCalled_EmptyList()
    {
        var body = JsonDocument.Parse(await Client.GetStringAsync("/api/services/quiet/subsets?window=5m")).RootElement;

        Assert.Equal("5m", body.GetProperty("window").GetString());
        Assert.Empty(body.GetProperty("subsets").EnumerateArray());
    }

    private static HistogramDataPoint Point(string source, string destination, string? subset, int status, ulong count)
    {
        var point = new HistogramDataPoint
        {
            TimeUnixNano = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000,
            Count = count,
            ExplicitBounds = { 0.005, 0.01, 0.025 },
            BucketCounts = { 0, count, 0, 0 },
        };
        point.Attributes.Add(Text("mesh.source.service", source));
        point.Attributes.Add(Text("mesh.destination.service", destination));
        if (subset is not null)
            point.Attributes.Add(Text("mesh.destination.subset", subset));
        point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = status } });
        return point;
    }

    private static OtlpSpan ClientSpan(int id, string destination, string subset)
    {
        var end = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        return new OtlpSpan
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString("4bf92f3577b34da6a3ce929d0e0e4736")),
            SpanId = ByteString.CopyFrom(BitConverter.GetBytes((long)id)),
            Name = "GET /cart",
            Kind = OtlpSpan.Types.SpanKind.Client,
            StartTimeUnixNano = end - 3_000_000,
            EndTimeUnixNano = end,
            Attributes = { Text("mesh.destination.service", destination), Text("mesh.destination.subset", subset) },
        };
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static Resource Resource(string service) => new() { Attributes = { Text("service.name", service) } };

    private static ExportMetricsServiceRequest Export(params HistogramDataPoint[] points) => new()
    {
        ResourceMetrics =
        {
            new ResourceMetrics
            {
                Resource = Resource("shop"),
                ScopeMetrics =
                {
                    new ScopeMetrics
                    {
                        Metrics =
                        {
                            new Metric
                            {
                                Name = "http.client.request.duration",
                                Histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta, DataPoints = { points } },
                            },
                        },
                    },
                },
            },
        },
    };

    private async Task<ExportMetricsServiceResponse> PostMetricsAsync(ExportMetricsServiceRequest export)
    {
        using var content = new ByteArrayContent(export.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        var response = await Client.PostAsync("/v1/metrics", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The service's subsets once the aggregator holds <paramref name="total"/> calls of them; bounded to 10 s.</summary>
    private async Task<List<JsonElement>> SubsetsAsync(string service, long total)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var body = JsonDocument.Parse(await Client.GetStringAsync($"/api/services/{service}/subsets?window=1m")).RootElement.Clone();
            var subsets = body.GetProperty("subsets").EnumerateArray().ToList();
            if (subsets.Sum(s => s.GetProperty("requests").GetInt64()) >= total)
                return subsets;
            await Task.Delay(100);
        }

        throw new TimeoutException($"fewer than {total} calls of {service}'s subsets");
    }
}
