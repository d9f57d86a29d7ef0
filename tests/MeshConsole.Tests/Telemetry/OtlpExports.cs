using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Mesh.Contracts.Otlp.Collector.Metrics.V1;
using Mesh.Contracts.Otlp.Common.V1;
using Mesh.Contracts.Otlp.Metrics.V1;

namespace MeshConsole.Tests.Telemetry;

/// <summary>A sidecar's request metric as OTLP: calls on one edge, all under 10 ms, posted as protobuf.</summary>
internal static class OtlpExports
{
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
}
