using System.Text;
using Mesh.Contracts.Otlp.Metrics.V1;
using Mesh.Contracts.Otlp.Trace.V1;
using MeshConsole.Telemetry;

namespace MeshConsole.Tests.Telemetry;

public sealed class OtlpJsonTests
{
    private const string TraceId = "5b8efff798038103d269b633813fc60c";
    private const string SpanId = "eee19b7ec3c1b174";
    private const string ParentSpanId = "EEE19B7EC3C1B173";

    // Shaped like the example in the OTLP specification's OTLP/HTTP JSON section.
    private const string Traces = $$"""
        {
          "resourceSpans": [{
            "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "orders" } }] },
            "scopeSpans": [{
              "scope": { "name": "mesh-sidecar", "version": "1.0.0" },
              "spans": [{
                "traceId": "{{TraceId}}",
                "spanId": "{{SpanId}}",
                "parentSpanId": "{{ParentSpanId}}",
                "name": "GET /orders",
                "kind": 2,
                "startTimeUnixNano": 1700000000000000123,
                "endTimeUnixNano": "1700000000250000456",
                "attributes": [
                  { "key": "http.response.status_code", "value": { "intValue": "503" } },
                  { "key": "blob", "value": { "bytesValue": "AQID" } }
                ],
                "links": [{ "traceId": "{{TraceId}}", "spanId": "{{SpanId}}" }],
                "status": { "code": "STATUS_CODE_ERROR", "message": "upstream failed" }
              }, {
                "trace_id": "{{TraceId}}",
                "span_id": "{{SpanId}}",
                "parent_span_id": "",
                "name": "root",
                "kind": "SPAN_KIND_CLIENT",
                "someFutureField": { "x": 1 }
              }]
            }]
          }]
        }
        """;

    private const string Metrics = $$"""
        {
          "resourceMetrics": [{
            "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "orders" } }] },
            "scopeMetrics": [{
              "metrics": [{
                "name": "http.server.request.duration",
                "unit": "s",
                "histogram": {
                  "aggregationTemporality": 2,
                  "dataPoints": [{
                    "attributes": [{ "key": "http.route", "value": { "stringValue": "/orders" } }],
                    "startTimeUnixNano": "1700000000000000000",
                    "timeUnixNano": "1700000060000000000",
                    "count": "6",
                    "sum": 1.25,
                    "bucketCounts": ["1", 2, "3"],
                    "explicitBounds": [0.1, 0.5],
                    "min": 0.01,
                    "max": 0.9,
                    "exemplars": [{ "asDouble": 0.9, "timeUnixNano": "1700000030000000000", "traceId": "{{TraceId}}", "spanId": "{{SpanId}}" }]
                  }]
                }
              }, {
                "name": "requests",
                "sum": { "aggregation_temporality": "AGGREGATION_TEMPORALITY_DELTA", "isMonotonic": true, "data_points": [{ "asInt": "42" }] }
              }]
            }]
          }]
        }
        """;

    [Fact]
    public void TryParseTraces_HexIds_DecodesIdsToBytes()
    {
        var ok = OtlpJson.TryParseTraces(Encoding.UTF8.GetBytes(Traces), out var request, out var error);

        Assert.True(ok, error);
        var spans = request!.ResourceSpans[0].ScopeSpans[0].Spans;
        Assert.Equal(Convert.FromHexString(TraceId), spans[0].TraceId.ToByteArray());
        Assert.Equal(Convert.FromHexString(SpanId), spans[0].SpanId.ToByteArray());
        Assert.Equal(Convert.FromHexString(ParentSpanId), spans[0].ParentSpanId.ToByteArray());
        Assert.Equal(Convert.FromHexString(TraceId), spans[0].Links[0].TraceId.ToByteArray());
        Assert.Equal(Span.Types.SpanKind.Server, spans[0].Kind);
        Assert.Equal(Status.Types.StatusCode.Error, spans[0].Status.Code);
        Assert.Equal("orders", request.ResourceSpans[0].Resource.Attributes[0].Value.StringValue);
        Assert.Equal(503, spans[0].Attributes[0].Value.IntValue);
        Assert.Equal(new byte[] { 1, 2, 3 }, spans[0].Attributes[1].Value.BytesValue.ToByteArray());
    }

    [Fact]
    public void TryParseTraces_NanosecondsAsJsonNumber_KeepsEveryDigit()
    {
        var ok = OtlpJson.TryParseTraces(Encoding.UTF8.GetBytes(Traces), out var request, out var error);

        Assert.True(ok, error);
        var span = request!.ResourceSpans[0].ScopeSpans[0].Spans[0];
        Assert.Equal(1700000000000000123UL, span.StartTimeUnixNano);
        Assert.Equal(1700000000250000456UL, span.EndTimeUnixNano);
    }

    [Fact]
    public void TryParseTraces_SnakeCaseNamesAndEmptyParent_AreAccepted()
    {
        var ok = OtlpJson.TryParseTraces(Encoding.UTF8.GetBytes(Traces), out var request, out var error);

        Assert.True(ok, error);
        var root = request!.ResourceSpans[0].ScopeSpans[0].Spans[1];
        Assert.Equal(Convert.FromHexString(TraceId), root.TraceId.ToByteArray());
        Assert.True(root.ParentSpanId.IsEmpty);
        Assert.Equal(Span.Types.SpanKind.Client, root.Kind);
    }

    [Fact]
    public void TryParseMetrics_Histogram_ReadsBucketsAndExemplar()
    {
        var ok = OtlpJson.TryParseMetrics(Encoding.UTF8.GetBytes(Metrics), out var request, out var error);

        Assert.True(ok, error);
        var metrics = request!.ResourceMetrics[0].ScopeMetrics[0].Metrics;
        Assert.Equal(Metric.DataOneofCase.Histogram, metrics[0].DataCase);
        var point = metrics[0].Histogram.DataPoints[0];
        Assert.Equal(AggregationTemporality.Cumulative, metrics[0].Histogram.AggregationTemporality);
        Assert.Equal(6UL, point.Count);
        Assert.Equal(1.25, point.Sum);
        Assert.True(point.HasMin);
        Assert.Equal(0.9, point.Max);
        Assert.Equal([1UL, 2UL, 3UL], point.BucketCounts);
        Assert.Equal([0.1, 0.5], point.ExplicitBounds);
        Assert.Equal(Convert.FromHexString(SpanId), point.Exemplars[0].SpanId.ToByteArray());
        Assert.Equal(42, metrics[1].Sum.DataPoints[0].AsInt);
        Assert.Equal(AggregationTemporality.Delta, metrics[1].Sum.AggregationTemporality);
    }

    [Fact]
    public void TryParseTraces_BadHexId_NamesThePath()
    {
        var json = Traces.Replace($"\"parentSpanId\": \"{ParentSpanId}\"", "\"parentSpanId\": \"xyz\"", StringComparison.Ordinal);

        var ok = OtlpJson.TryParseTraces(Encoding.UTF8.GetBytes(json), out var request, out var error);

        Assert.False(ok);
        Assert.Null(request);
        Assert.Equal("resourceSpans[0].scopeSpans[0].spans[0].parentSpanId: \"xyz\" is not 16 hex digits", error);
    }

    [Fact]
    public void TryParseMetrics_ExemplarTraceIdTooShort_NamesThePath()
    {
        var json = Metrics.Replace($"\"traceId\": \"{TraceId}\"", "\"traceId\": \"abcd\"", StringComparison.Ordinal);

        var ok = OtlpJson.TryParseMetrics(Encoding.UTF8.GetBytes(json), out _, out var error);

        Assert.False(ok);
        Assert.Equal(
            "resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].exemplars[0].traceId: \"abcd\" is not 32 hex digits",
            error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"resourceSpans\": [")]
    [InlineData("not json")]
    public void TryParseTraces_NotJson_ReturnsError(string body)
    {
        var ok = OtlpJson.TryParseTraces(Encoding.UTF8.GetBytes(body), out var request, out var error);

        Assert.False(ok);
        Assert.Null(request);
        Assert.StartsWith("the request body is not valid JSON", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "the request body must be a JSON object, not an array")]
    [InlineData("null", "the request body must be a JSON object, not null")]
    [InlineData("""{"resourceSpans": {}}""", "resourceSpans: expected an array but found an object")]
    [InlineData("""{"resourceSpans": [{"scopeSpans": [{"spans": [{"name": 5}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[0].name: expected a string but found the number 5")]
    [InlineData("""{"resourceSpans": [{"scopeSpans": [{"spans": [{"startTimeUnixNano": "soon"}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: \"soon\" is not an unsigned 64-bit integer")]
    [InlineData("""{"resourceSpans": [{"scopeSpans": [{"spans": [{"endTimeUnixNano": -1}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano: -1 is out of range for an unsigned 64-bit integer")]
    [InlineData("""{"resourceSpans": [{"scopeSpans": [{"spans": [{"kind": "SERVER"}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[0].kind: \"SERVER\" is not a SpanKind value")]
    [InlineData("""{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": 7}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[0].traceId: expected a hex string but found the number 7")]
    [InlineData("""{"resourceSpans": [{"resource": {"attributes": [{"key": "k", "value": {"stringValue": "a", "intValue": 1}}]}}]}""",
        "resourceSpans[0].resource.attributes[0].value.intValue: stringValue is already set, and only one field of oneof 'value' may be")]
    [InlineData("""{"resourceSpans": [null]}""", "resourceSpans[0]: null is not allowed in an array")]
    public void TryParseTraces_WrongType_NamesThePath(string body, string expected)
    {
        var ok = OtlpJson.TryParseTraces(Encoding.UTF8.GetBytes(body), out var request, out var error);

        Assert.False(ok);
        Assert.Null(request);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParseMetrics_WrongType_NamesThePath()
    {
        const string Body = """{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"histogram": {"dataPoints": [{"bucketCounts": [1, "many"]}]}}]}]}]}""";

        var ok = OtlpJson.TryParseMetrics(Encoding.UTF8.GetBytes(Body), out _, out var error);

        Assert.False(ok);
        Assert.Equal(
            "resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].bucketCounts[1]: \"many\" is not an unsigned 64-bit integer",
            error);
    }

    [Fact]
    public void TryParseTraces_DuplicateProperty_ReturnsErrorInsteadOfThrowing()
    {
        var ok = OtlpJson.TryParseTraces("""{"resourceSpans": [], "resourceSpans": []}"""u8, out _, out var error);

        Assert.False(ok);
        Assert.NotNull(error);
    }

    [Fact]
    public void TryParseTraces_EmptyObject_IsAnEmptyRequest()
    {
        var ok = OtlpJson.TryParseTraces("{}"u8, out var request, out var error);

        Assert.True(ok, error);
        Assert.Empty(request!.ResourceSpans);
    }
}
