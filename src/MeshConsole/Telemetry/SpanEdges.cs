using Mesh.Contracts.Otlp.Trace.V1;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Telemetry;

/// <summary>One call seen in a span, before the ingest decides whether it counts.</summary>
/// <param name="Key">The edge.</param>
/// <param name="FromClient">A client span (the caller's view); else a root server span (a caller outside the traces).</param>
/// <param name="Observation">The call as the aggregator records it.</param>
/// <param name="Summary">The span as the edge's recent spans show it.</param>
/// <param name="Subset">The destination's subset a route rule picked (a client span's <c>mesh.destination.subset</c>), or null.</param>
internal sealed record SpanCall(EdgeKey Key, bool FromClient, Observation Observation, SpanSummary Summary, string? Subset = null);

/// <summary>
/// Reads calls out of OTLP spans. A client span is a call from its service (<c>service.name</c>) to
/// the peer it names; a server span without a parent is a call from outside the traces
/// (<c>external</c>). A server span with a parent is never a call of its own: the client span or
/// sidecar metric of its caller counts it. Spans of other kinds describe work, not calls.
/// </summary>
internal static class SpanEdges
{
    public static (List<SpanCall> Calls, long Rejected, string? Error) Read(IEnumerable<ResourceSpans> resources)
    {
        var calls = new List<SpanCall>();
        long rejected = 0;
        string? error = null;
        var r = 0;
        foreach (var resource in resources)
        {
            var service = OtlpAttributes.Read(resource.Resource?.Attributes, "service.name");
            var s = 0;
            foreach (var scope in resource.ScopeSpans)
            {
                for (var i = 0; i < scope.Spans.Count; i++)
                {
                    var at = $"resourceSpans[{r}].scopeSpans[{s}].spans[{i}]";
                    var span = scope.Spans[i];
                    if (Check(span) is { } problem)
                    {
                        rejected++;
                        error ??= $"{at}.{problem}";
                        continue;
                    }

                    if (Call(span, service, out var reason) is { } call)
                        calls.Add(call);
                    else if (reason is not null)
                    {
                        rejected++;
                        error ??= $"{at}: {reason}";
                    }
                }

                s++;
            }

            r++;
        }

        return (calls, rejected, error);
    }

    private static string? Check(Span span) =>
        span.TraceId.Length != 16 ? $"traceId: {span.TraceId.Length} bytes, must be 16"
        : span.SpanId.Length != 8 ? $"spanId: {span.SpanId.Length} bytes, must be 8"
        : span.ParentSpanId.Length is not (0 or 8) ? $"parentSpanId: {span.ParentSpanId.Length} bytes, must be 8 or none"
        : span.EndTimeUnixNano < span.StartTimeUnixNano ? "endTimeUnixNano: before startTimeUnixNano"
        : null;

    private static SpanCall? Call(Span span, string? resourceService, out string? reason)
    {
        reason = null;
        var client = span.Kind == Span.Types.SpanKind.Client;
        var rootServer = span.Kind == Span.Types.SpanKind.Server && span.ParentSpanId.IsEmpty;
        if (!client && !rootServer)
            return null;
        if (string.IsNullOrEmpty(resourceService))
        {
            reason = "the resource has no service.name";
            return null;
        }

        string source, destination;
        string? subset = null;
        if (client)
        {
            subset = OtlpAttributes.Subset(span.Attributes, out var badSubset);
            if (badSubset is not null)
            {
                reason = badSubset;
                return null;
            }

            source = resourceService;
            destination = OtlpAttributes.Read(span.Attributes, "mesh.destination.service")
                ?? OtlpAttributes.Read(span.Attributes, "peer.service")
                ?? OtlpAttributes.Read(span.Attributes, "server.address")
                ?? External.Name;
        }
        else
        {
            source = External.Name;
            destination = resourceService;
        }

        var grpcCode = OtlpAttributes.Read(span.Attributes, "rpc.grpc.status_code");
        var http = OtlpAttributes.Read(span.Attributes, "http.response.status_code");
        var grpc = grpcCode is not null || OtlpAttributes.Read(span.Attributes, "rpc.system") == "grpc";
        var (failed, isDenied) = OtlpAttributes.Outcome(http, grpcCode);
        var isError = !isDenied && (failed || span.Status?.Code == Status.Types.StatusCode.Error);
        var key = new EdgeKey(source, destination, grpc ? "grpc" : "http");
        var start = DateTimeOffset.FromUnixTimeMilliseconds((long)(span.StartTimeUnixNano / 1_000_000));
        var duration = TimeSpan.FromTicks((long)((span.EndTimeUnixNano - span.StartTimeUnixNano) / 100));
        var summary = new SpanSummary(
            Convert.ToHexStringLower(span.TraceId.Span), Convert.ToHexStringLower(span.SpanId.Span), span.Name, start, duration,
            grpcCode ?? http ?? (span.Status?.Code ?? Status.Types.StatusCode.Unset).ToString(), isError);
        return new SpanCall(key, client, Observation.Single(key, start + duration, duration, isError, isDenied), summary, subset);
    }
}
