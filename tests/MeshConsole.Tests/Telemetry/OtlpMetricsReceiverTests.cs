using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Contracts.Otlp.Collector.Metrics.V1;
using Mesh.Contracts.Otlp.Common.V1;
using Mesh.Contracts.Otlp.Metrics.V1;
using Mesh.Contracts.Otlp.Resource.V1;
using Mesh.Testing;

namespace MeshConsole.Tests.Telemetry;

/// <summary>The OTLP metrics receivers, over HTTP (protobuf and JSON) and gRPC, as far as the topology API.</summary>
public sealed class OtlpMetricsReceiverTests : ConsoleApiTest
{
    [Fact]
    public async Task HttpProtobuf_DeltaHistogram_EdgeWithItsCallsAndErrors()
    {
        var export = Export(Point("shop", "stock", status: 200, count: 7), Point("shop", "stock", status: 503, count: 3));

        var response = await PostAsync(export.ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(answer.PartialSuccess);
        var edge = await EdgeAsync("shop", "stock");
        Assert.Equal(10, edge.GetProperty("requests").GetInt64());
        Assert.Equal(30.0, edge.GetProperty("errorPercent").GetDouble());
    }

    [Fact]
    public async Task RefusedByAccessControl_CountedAsDeniedNotAsErrors()
    {
        var export = Export(Point("shop", "vault", status: 200, count: 8), Point("shop", "vault", status: 403, count: 2));

        await PostAsync(export.ToByteArray(), "application/x-protobuf");

        var edge = await EdgeAsync("shop", "vault");
        Assert.Equal(10, edge.GetProperty("requests").GetInt64());
        Assert.Equal(2, edge.GetProperty("denied").GetInt64());
        Assert.Equal(0.0, edge.GetProperty("errorPercent").GetDouble());
    }

    [Fact]
    public async Task HttpJson_HexIdsAndCamelCase_EdgeAndJsonAnswer()
    {
        var json = JsonFormatter.Default.Format(Export(Point("web", "search", status: 200, count: 4)));

        var response = await PostAsync(Encoding.UTF8.GetBytes(json), "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(4, (await EdgeAsync("web", "search")).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Grpc_Export_EdgeAppears()
    {
        using var channel = GrpcChannel.ForAddress(Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Factory.Server.CreateHandler().Authenticate() });

        var answer = await new MetricsService.MetricsServiceClient(channel).ExportAsync(Export(Point("cart", "pricing", status: 200, count: 5)));

        Assert.Null(answer.PartialSuccess);
        Assert.Equal(5, (await EdgeAsync("cart", "pricing")).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Grpc_ExportWithoutToken_UnauthenticatedAndNothingCounted()
    {
        using var channel = GrpcChannel.ForAddress(Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Factory.Server.CreateHandler() });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new MetricsService.MetricsServiceClient(channel).ExportAsync(Export(Point("intruder", "pricing", status: 200, count: 5))).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        var topology = await Client.GetStringAsync("/api/topology?window=1m");
        Assert.DoesNotContain("intruder", topology, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpc_ExportWithoutTokenWhenAnonymousIngestAllowed_EdgeAppears()
    {
        await using var open = Factory.WithWebHostBuilder(b => b.UseSetting("Mesh:Telemetry:AllowAnonymousIngest", "true"));
        using var client = open.CreateClient();
        using var channel = GrpcChannel.ForAddress(open.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = open.Server.CreateHandler() });

        await new MetricsService.MetricsServiceClient(channel).ExportAsync(Export(Point("sdk-app", "pricing", status: 200, count: 3)));

        var topology = await client.GetStringAsync("/api/topology?window=1m");
        Assert.Contains("sdk-app", topology, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CumulativeHistogram_StreamOlderThanTheConsole_FirstPointIsABaselineThenDeltasCount()
    {
        var started = DateTimeOffset.UtcNow.AddHours(-1);

        var first = await PostAsync(Cumulative(Point("shop", "ledger", status: 200, count: 5), started).ToByteArray(), "application/x-protobuf");
        await PostAsync(Cumulative(Point("shop", "ledger", status: 200, count: 12), started).ToByteArray(), "application/x-protobuf");

        Assert.Null(ExportMetricsServiceResponse.Parser.ParseFrom(await first.Content.ReadAsByteArrayAsync()).PartialSuccess);
        Assert.Equal(7, (await EdgeAsync("shop", "ledger")).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task CumulativeHistogram_StreamStartedSinceTheConsole_CountsWholeThenDeltas()
    {
        var started = DateTimeOffset.UtcNow;

        await PostAsync(Cumulative(Point("shop", "ledger", status: 200, count: 4), started).ToByteArray(), "application/x-protobuf");
        await PostAsync(Cumulative(Point("shop", "ledger", status: 200, count: 10), started).ToByteArray(), "application/x-protobuf");

        Assert.Equal(10, (await EdgeAsync("shop", "ledger")).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task CumulativeHistogram_ProcessRestarted_NewStreamCountsWholeNeverNegative()
    {
        await PostAsync(Cumulative(Point("shop", "ledger", status: 200, count: 50), DateTimeOffset.UtcNow.AddHours(-1)).ToByteArray(), "application/x-protobuf");

        await PostAsync(Cumulative(Point("shop", "ledger", status: 200, count: 3), DateTimeOffset.UtcNow).ToByteArray(), "application/x-protobuf");

        Assert.Equal(3, (await EdgeAsync("shop", "ledger")).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task UnspecifiedTemporality_RejectedThroughPartialSuccess_NamingTheField()
    {
        var export = Export(Point("shop", "ledger", status: 200, count: 2));
        export.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Histogram.AggregationTemporality = AggregationTemporality.Unspecified;

        var response = await PostAsync(export.ToByteArray(), "application/x-protobuf");

        var answer = ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedDataPoints);
        Assert.Equal(
            "resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.aggregationTemporality: must be delta or cumulative",
            answer.PartialSuccess.ErrorMessage);
    }

    [Fact]
    public async Task PointWithoutDestination_RejectedOthersKept()
    {
        var anonymous = Point("shop", "x", status: 200, count: 1);
        anonymous.Attributes.Remove(anonymous.Attributes.Single(a => a.Key == "mesh.destination.service"));
        var export = Export(anonymous, Point("shop", "kept", status: 200, count: 2));

        var answer = ExportMetricsServiceResponse.Parser.ParseFrom(await (await PostAsync(export.ToByteArray(), "application/x-protobuf")).Content.ReadAsByteArrayAsync());

        Assert.Equal(1, answer.PartialSuccess.RejectedDataPoints);
        Assert.Equal(
            "resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0]: no mesh.destination.service, peer.service or server.address attribute",
            answer.PartialSuccess.ErrorMessage);
        Assert.Equal(2, (await EdgeAsync("shop", "kept")).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task BucketsThatDoNotAddUpToTheCount_Rejected()
    {
        var point = Point("shop", "odd", status: 200, count: 3);
        point.Count = 4;

        var answer = ExportMetricsServiceResponse.Parser.ParseFrom(await (await PostAsync(Export(point).ToByteArray(), "application/x-protobuf")).Content.ReadAsByteArrayAsync());

        Assert.Equal(1, answer.PartialSuccess.RejectedDataPoints);
        Assert.EndsWith("count 4 is not the sum of the bucket counts (3)", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain", "hello", HttpStatusCode.UnsupportedMediaType, "Content-Type must be application/x-protobuf or application/json")]
    [InlineData("application/x-protobuf", "\u00ff\u00ff\u00ff", HttpStatusCode.BadRequest, "the body is not an ExportMetricsServiceRequest")]
    [InlineData("application/json", "{\"resourceMetrics\": {}}", HttpStatusCode.BadRequest, "resourceMetrics: expected an array")]
    [InlineData("application/json", "not json", HttpStatusCode.BadRequest, "the request body is not valid JSON")]
    public async Task BadBody_ClearErrorAndNothingRecorded(string contentType, string body, HttpStatusCode expected, string reason)
    {
        var response = await PostAsync(Encoding.Latin1.GetBytes(body), contentType);

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await TopologyAsync()).GetProperty("edges").EnumerateArray());
    }

    [Fact]
    public async Task BodyOverTheLimit_413()
    {
        using var small = Factory.WithWebHostBuilder(b => b.UseSetting("Mesh:Otlp:MaxMessageBytes", "1024"));
        using var client = small.CreateClient();
        using var content = new ByteArrayContent(new byte[2048]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        var response = await client.PostAsync("/v1/metrics", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 1024", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcMessageOverTheLimit_ResourceExhausted()
    {
        using var small = Factory.WithWebHostBuilder(b => b.UseSetting("Mesh:Otlp:MaxMessageBytes", "1024"));
        using var channel = GrpcChannel.ForAddress(small.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = small.Server.CreateHandler().Authenticate() });
        var export = Export([.. Enumerable.Range(0, 50).Select(i => Point("shop", $"big-{i}", status: 200, count: 1))]);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new MetricsService.MetricsServiceClient(channel).ExportAsync(export));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    private static HistogramDataPoint Point(string source, string destination, int status, ulong count)
    {
        var point = new HistogramDataPoint
        {
            TimeUnixNano = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000,
            Count = count,
            Sum = 0.01 * count,
            ExplicitBounds = { 0.005, 0.01, 0.025 },
            BucketCounts = { 0, count, 0, 0 },
        };
        point.Attributes.Add(Text("mesh.source.service", source));
        point.Attributes.Add(Text("mesh.destination.service", destination));
        point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = status } });
        return point;
    }

    private static ExportMetricsServiceRequest Cumulative(HistogramDataPoint point, DateTimeOffset started)
    {
        point.StartTimeUnixNano = (ulong)started.ToUnixTimeMilliseconds() * 1_000_000;
        var export = Export(point);
        export.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Histogram.AggregationTemporality = AggregationTemporality.Cumulative;
        return export;
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static ExportMetricsServiceRequest Export(params HistogramDataPoint[] points)
    {
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
        histogram.DataPoints.Add(points);
        return new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                new ResourceMetrics
                {
                    Resource = new Resource { Attributes = { Text("service.name", "meshsidecar") } },
                    ScopeMetrics = { new ScopeMetrics { Metrics = { new Metric { Name = "http.client.request.duration", Unit = "s", Histogram = histogram } } } },
                },
            },
        };
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string contentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Client.PostAsync("/v1/metrics", content);
    }

    private async Task<JsonElement> TopologyAsync() =>
        JsonDocument.Parse(await Client.GetStringAsync("/api/topology?window=1m")).RootElement.Clone();

    /// <summary>The edge once the aggregator has it (the receiver queues, a reader records); bounded to 10 s.</summary>
    private async Task<JsonElement> EdgeAsync(string source, string destination)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            foreach (var edge in (await TopologyAsync()).GetProperty("edges").EnumerateArray())
            {
                if (edge.GetProperty("source").GetString() == source && edge.GetProperty("destination").GetString() == destination)
                    return edge;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no edge {source} -> {destination}");
    }
}
