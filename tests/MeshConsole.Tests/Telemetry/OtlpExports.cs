using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Mesh.Contracts.Otlp.Collector.Metrics.V1;
using Mesh.Contracts.Otlp.Collector.Trace.V1;
using Mesh.Contracts.Otlp.Common.V1;
using Mesh.Contracts.Otlp.Metrics.V1;
using Mesh.Contracts.Otlp.Resource.V1;
using Mesh.Contracts.Otlp.Trace.V1;

namespace MeshConsole.Tests.Telemetry;

/// <summary>What sidecars and apps export, as OTLP posted as protobuf: request metrics and client spans.</summary>
internal static class OtlpExports
{
    /// <summary>A sidecar's request metric: calls on one edge, all under 10 ms.</summary>
    public static async Task PostCallsAsync(HttpClient otlp, string source, string destination, ulong count, DateTimeOffset at)
    {
        var point = new HistogramDataPoint
        {
            TimeUnixNano = (ulong)at.ToUnixTimeMilliseconds() * 1_000_000,
            Count = count,
            ExplicitBounds = { 0.01 },
            BucketCounts = { count, 0 },
            Attributes =
            {
                new KeyValue { Key = "mesh.source.service", Value = new AnyValue { StringValue = source } },
                new KeyValue { Key = "mesh.destination.service", Value = new AnyValue { StringValue = destination } },
            },
        };
        var metric = new Metric
        {
            Name = "http.client.request.duration",
            Histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta, DataPoints = { point } },
        };
        var export = new ExportMetricsServiceRequest { ResourceMetrics = { new ResourceMetrics { ScopeMetrics = { new ScopeMetrics { Metrics = { metric } } } } } };
        using var content = new ByteArrayContent(export.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, (await otlp.PostAsync("/v1/metrics", content)).StatusCode);
    }

    /// <summary>An app's client span calling <paramref name="destination"/> (named by peer.service), 5 ms long, ending now.</summary>
    public static async Task PostClientSpanAsync(HttpClient otlp, string source, string destination, string name)
    {
        var end = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
            SpanId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray(), 0, 8),
            Name = name,
            Kind = Span.Types.SpanKind.Client,
            StartTimeUnixNano = end - 5_000_000,
            EndTimeUnixNano = end,
            Attributes = { new KeyValue { Key = "peer.service", Value = new AnyValue { StringValue = destination } } },
        };
        var export = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = source } } } },
                    ScopeSpans = { new ScopeSpans { Spans = { span } } },
                },
            },
        };
        using var content = new ByteArrayContent(export.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, (await otlp.PostAsync("/v1/traces", content)).StatusCode);
    }
}
