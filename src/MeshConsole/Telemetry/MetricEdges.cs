using Mesh.Contracts.Otlp.Metrics.V1;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Telemetry;

/// <summary>
/// Reads edges out of OTLP metrics: the sidecars' <c>http.client.request.duration</c> histograms
/// (one per caller, destination, route and status, unsampled: every call counts once, on the
/// caller's side), delta or cumulative (see <see cref="CumulativeStreams"/>). Other metrics are not
/// about edges and pass untouched. A point that claims to be
/// an edge but cannot be read is rejected with its reason, for the export's partial success.
/// </summary>
internal static class MetricEdges
{
    public const string ClientDuration = "http.client.request.duration";

    /// <summary>The calls in a request, and how many points were refused and why (the first reason).</summary>
    public static (List<MetricCall> Calls, long Rejected, string? Error) Read(IEnumerable<ResourceMetrics> resources, CumulativeStreams cumulative)
    {
        ArgumentNullException.ThrowIfNull(cumulative);
        var observations = new List<MetricCall>();
        long rejected = 0;
        string? error = null;
        var r = 0;
        foreach (var resource in resources)
        {
            var service = OtlpAttributes.Read(resource.Resource?.Attributes, "service.name");
            var s = 0;
            foreach (var scope in resource.ScopeMetrics)
            {
                var m = 0;
                foreach (var metric in scope.Metrics)
                {
                    if (metric.Name == ClientDuration)
                    {
                        var at = $"resourceMetrics[{r}].scopeMetrics[{s}].metrics[{m}]";
                        if (metric.DataCase != Metric.DataOneofCase.Histogram)
                        {
                            Reject(metric.DataCase switch
                            {
                                Metric.DataOneofCase.None => 0,
                                Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
                                Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
                                Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
                                _ => metric.Summary.DataPoints.Count,
                            }, $"{at}: {ClientDuration} must be an explicit-bucket histogram");
                        }
                        else if (metric.Histogram.AggregationTemporality is not (AggregationTemporality.Delta or AggregationTemporality.Cumulative))
                        {
                            Reject(metric.Histogram.DataPoints.Count, $"{at}.histogram.aggregationTemporality: must be delta or cumulative");
                        }
                        else
                        {
                            var isCumulative = metric.Histogram.AggregationTemporality == AggregationTemporality.Cumulative;
                            for (var p = 0; p < metric.Histogram.DataPoints.Count; p++)
                            {
                                var point = metric.Histogram.DataPoints[p];
                                if (isCumulative)
                                {
                                    // One stream per resource, scope, metric and attribute set, as the SDK keeps them.
                                    var stream = $"{resource.Resource?.Attributes}|{scope.Scope?.Name}|{metric.Name}|{point.Attributes}";
                                    if (cumulative.Delta(stream, point) is not { } delta)
                                        continue;
                                    point = delta;
                                }

                                var (call, reason) = Edge(point, service);
                                if (call is not null)
                                    observations.Add(call);
                                else if (reason is not null)
                                    Reject(1, $"{at}.histogram.dataPoints[{p}]: {reason}");
                            }
                        }
                    }

                    m++;
                }

                s++;
            }

            r++;
        }

        return (observations, rejected, error);

        void Reject(long points, string reason)
        {
            rejected += points;
            error ??= reason;
        }
    }

    private static (MetricCall? Call, string? Error) Edge(HistogramDataPoint point, string? resourceService)
    {
        if (point.Count == 0)
            return (null, null);
        var source = OtlpAttributes.Read(point.Attributes, "mesh.source.service") ?? resourceService;
        var destination = OtlpAttributes.Read(point.Attributes, "mesh.destination.service")
            ?? OtlpAttributes.Read(point.Attributes, "peer.service")
            ?? OtlpAttributes.Read(point.Attributes, "server.address");
        if (string.IsNullOrEmpty(source))
            return (null, "no mesh.source.service attribute and no service.name on the resource");
        if (string.IsNullOrEmpty(destination))
            return (null, "no mesh.destination.service, peer.service or server.address attribute");
        var subset = OtlpAttributes.Subset(point.Attributes, out var badSubset);
        if (badSubset is not null)
            return (null, badSubset);

        var grpc = OtlpAttributes.Read(point.Attributes, "rpc.grpc.status_code");
        var status = OtlpAttributes.Read(point.Attributes, "http.response.status_code");
        var (isError, isDenied) = OtlpAttributes.Outcome(status, grpc);
        var key = new EdgeKey(source, destination, grpc is not null ? "grpc" : "http");
        var at = DateTimeOffset.FromUnixTimeMilliseconds((long)(point.TimeUnixNano / 1_000_000));
        var count = (long)point.Count;
        try
        {
            var observation = point.BucketCounts.Count == 0
                ? Observation.CountsOnly(key, at, count, isError ? count : 0, isDenied ? count : 0)
                : Observation.Histogram(key, at, point.ExplicitBounds, [.. point.BucketCounts.Select(c => (long)c)], isError ? count : 0, isDenied ? count : 0);
            return observation.Count == count ? (new MetricCall(observation, subset), null) : (null, $"count {count} is not the sum of the bucket counts ({observation.Count})");
        }
        catch (ArgumentException ex)
        {
            return (null, ex.Message);
        }
        catch (OverflowException)
        {
            return (null, "bucket counts overflow");
        }
    }
}
