using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Net.Client;
using Mesh.Contracts.Otlp.Collector.Trace.V1;
using Mesh.Contracts.Otlp.Common.V1;
using Mesh.Contracts.Otlp.Resource.V1;
using Mesh.Contracts.Otlp.Trace.V1;
using Mesh.Testing;
using Kind = Mesh.Contracts.Otlp.Trace.V1.Span.Types.SpanKind;
using OtlpSpan = Mesh.Contracts.Otlp.Trace.V1.Span;

namespace MeshConsole.Tests.Telemetry;

/// <summary>
/// The OTLP trace receivers and the rule that counts each call once: sidecar metrics first, then
/// client spans of services without a sidecar, then root server spans as calls from outside.
/// </summary>
public sealed class OtlpTraceReceiverTests : ConsoleApiTest
{
    private static readonly byte[] _trace = Convert.FromHexString("4bf92f3577b34da6a3ce929d0e0e4736");
    [Fact]
    public async Task ClientSpanOfAServiceWithoutSidecar_CountsTheCall()
    {
        await ExportAsync("web", NewSpan(Kind.Client, 1, milliseconds: 40, ("peer.service", "search")));

        var edge = await EdgeAsync("web", "search");
        Assert.Equal(1, edge.GetProperty("requests").GetInt64());
        Assert.InRange(edge.GetProperty("p50").GetDouble(), 39.9, 40.1);
    }

    [Fact]
    public async Task RootServerSpan_ACallFromOutside_ChildServerSpanNotCounted()
    {
        await ExportAsync("search", NewSpan(Kind.Server, 2, milliseconds: 5), NewSpan(Kind.Server, 3, milliseconds: 5, parent: 2));
        await ExportAsync("index", NewSpan(Kind.Server, 4, milliseconds: 5, parent: 9), NewSpan(Kind.Internal, 5, milliseconds: 5));
        await ExportAsync("marker", NewSpan(Kind.Client, 6, milliseconds: 1, ("peer.service", "done")));

        await EdgeAsync("marker", "done");
        var edges = (await TopologyAsync()).GetProperty("edges").EnumerateArray().ToList();
        Assert.Equal(1, Assert.Single(edges, e => e.GetProperty("destination").GetString() == "search").GetProperty("requests").GetInt64());
        Assert.Equal("external", edges.Single(e => e.GetProperty("destination").GetString() == "search").GetProperty("source").GetString());
        Assert.DoesNotContain(edges, e => e.GetProperty("destination").GetString() == "index");
    }

    [Fact]
    public async Task ClientSpanOfAServiceWhoseSidecarReportsMetrics_NotCountedTwice_ButKeptForDrillDown()
    {
        await PostMetricsAsync("shop", "stock", count: 3);
        await EdgeAsync("shop", "stock");

        await ExportAsync("shop", NewSpan(Kind.Client, 7, milliseconds: 2, ("mesh.destination.service", "stock")));
        await ExportAsync("marker", NewSpan(Kind.Client, 8, milliseconds: 1, ("peer.service", "done")));
        await EdgeAsync("marker", "done");

        Assert.Equal(3, (await EdgeAsync("shop", "stock")).GetProperty("requests").GetInt64());
        var spans = JsonDocument.Parse(await Client.GetStringAsync("/api/topology/spans?source=shop&destination=stock")).RootElement;
        Assert.Equal("0000000000000007", Assert.Single(spans.EnumerateArray()).GetProperty("spanId").GetString());
    }

    [Fact]
    public async Task MalformedSpan_RejectedThroughPartialSuccess_OthersKept()
    {
        var bad = NewSpan(Kind.Client, 9, milliseconds: 1, ("peer.service", "x"));
        bad.TraceId = ByteString.CopyFrom(1, 2, 3);

        var answer = await ExportAsync("web", bad, NewSpan(Kind.Client, 10, milliseconds: 1, ("peer.service", "kept")));

        Assert.Equal(1, answer.PartialSuccess.RejectedSpans);
        Assert.Equal("resourceSpans[0].scopeSpans[0].spans[0].traceId: 3 bytes, must be 16", answer.PartialSuccess.ErrorMessage);
        Assert.Equal(1, (await EdgeAsync("web", "kept")).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task HttpJsonAndProtobuf_BothCounted()
    {
        var json = JsonFormatter.Default.Format(Export("app", NewSpan(Kind.Client, 11, milliseconds: 1, ("peer.service", "db"))));
        // Protobuf's JSON writes ids in base64; OTLP/JSON wants hex.
        json = json.Replace(Convert.ToBase64String(_trace), Convert.ToHexString(_trace), StringComparison.Ordinal)
            .Replace(Convert.ToBase64String(Id(11)), Convert.ToHexString(Id(11)), StringComparison.Ordinal);

        var viaJson = await PostAsync(System.Text.Encoding.UTF8.GetBytes(json), "application/json");
        var viaProtobuf = await PostAsync(Export("app", NewSpan(Kind.Client, 12, milliseconds: 1, ("peer.service", "db"))).ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, viaJson.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaProtobuf.StatusCode);
        await EdgeAsync("app", "db", requests: 2);
    }

    [Theory]
    [InlineData(null, "stock", "source")]
    [InlineData("shop", "", "destination")]
    public async Task Spans_MissingEdgeName_400NamingTheField(string? source, string destination, string field)
    {
        var response = await Client.GetAsync($"/api/topology/spans?source={source}&destination={destination}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static byte[] Id(int n) => BitConverter.GetBytes((long)n).Reverse().ToArray();

    private static OtlpSpan NewSpan(Kind kind, int id, int milliseconds, params (string Key, string Value)[] attributes) =>
        NewSpan(kind, id, milliseconds, parent: null, attributes);

    private static OtlpSpan NewSpan(Kind kind, int id, int milliseconds, int? parent, params (string Key, string Value)[] attributes)
    {
        var end = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var span = new OtlpSpan
        {
            TraceId = ByteString.CopyFrom(_trace),
            SpanId = ByteString.CopyFrom(Id(id)),
            ParentSpanId = parent is { } p ? ByteString.CopyFrom(Id(p)) : ByteString.Empty,
            Name = $"span-{id}",
            Kind = kind,
            StartTimeUnixNano = end - ((ulong)milliseconds * 1_000_000),
            EndTimeUnixNano = end,
        };
        foreach (var (key, value) in attributes)
            span.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        return span;
    }

    private static ExportTraceServiceRequest Export(string service, params OtlpSpan[] spans) => new()
    {
        ResourceSpans =
        {
            new ResourceSpans
            {
                Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } } },
                ScopeSpans = { new ScopeSpans { Spans = { spans } } },
            },
        },
    };

    private async Task<ExportTraceServiceResponse> ExportAsync(string service, params OtlpSpan[] spans)
    {
        using var channel = GrpcChannel.ForAddress(Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Factory.Server.CreateHandler().Authenticate() });
        return await new TraceService.TraceServiceClient(channel).ExportAsync(Export(service, spans));
    }

    private Task PostMetricsAsync(string source, string destination, ulong count) =>
        OtlpExports.PostCallsAsync(Client, source, destination, count, DateTimeOffset.UtcNow);

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string contentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Client.PostAsync("/v1/traces", content);
    }

    private async Task<JsonElement> TopologyAsync() =>
        JsonDocument.Parse(await Client.GetStringAsync("/api/topology?window=1m")).RootElement.Clone();

    /// <summary>The edge once the aggregator has it (with at least the given requests); bounded to 10 s.</summary>
    private async Task<JsonElement> EdgeAsync(string source, string destination, long requests = 1)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            foreach (var edge in (await TopologyAsync()).GetProperty("edges").EnumerateArray())
            {
                if (edge.GetProperty("source").GetString() == source && edge.GetProperty("destination").GetString() == destination
                    && edge.GetProperty("requests").GetInt64() >= requests)
                    return edge;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no edge {source} -> {destination} with {requests} requests");
    }
}
