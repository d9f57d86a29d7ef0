using Google.Protobuf;
using Mesh.Contracts.Otlp.Collector.Trace.V1;
using Mesh.Contracts.Otlp.Common.V1;
using Mesh.Contracts.Otlp.Resource.V1;
using Mesh.Contracts.Otlp.Trace.V1;

namespace Mesh.Bench.Ingest;

/// <summary>
/// Builds trace exports as an instrumented fleet would send them through a collector: one resource per
/// service (<c>bench-svc-NN</c>), each with client spans to peers named by <c>peer.service</c>
/// (<c>bench-peer-NN</c>), fresh random ids, ending within the last 100 ms, lasting 1–50 ms, one in a
/// hundred answered 503. Resources, the scope and the attribute values are shared between exports:
/// they are read-only, and their bytes on the wire are the same as fresh copies'.
/// </summary>
internal sealed class ExportFactory
{
    public const string ServicePrefix = "bench-svc-";
    public const string PeerPrefix = "bench-peer-";

    private static readonly InstrumentationScope _scope = new() { Name = "Mesh.Bench.Ingest", Version = "1.0.0" };
    private static readonly KeyValue _method = Text("http.request.method", "GET");
    private static readonly KeyValue _ok = Number("http.response.status_code", 200);
    private static readonly KeyValue _unavailable = Number("http.response.status_code", 503);

    private readonly Resource[] _resources;
    private readonly KeyValue[] _peers;
    private readonly KeyValue[] _addresses;

    public ExportFactory(int services, int peers)
    {
        _resources = [.. Enumerable.Range(0, services).Select(i => Service($"{ServicePrefix}{i:D2}"))];
        _peers = [.. Enumerable.Range(0, peers).Select(i => Text("peer.service", $"{PeerPrefix}{i:D2}"))];
        _addresses = [.. Enumerable.Range(0, peers).Select(i => Text("server.address", $"{PeerPrefix}{i:D2}.bench.svc"))];
    }

    /// <summary>Distinct edges the exports can make.</summary>
    public int Edges => _resources.Length * _peers.Length;

    /// <summary>An export of <paramref name="spans"/> client spans spread over every service.</summary>
    public ExportTraceServiceRequest Build(Random random, int spans)
    {
        var request = new ExportTraceServiceRequest();
        var scopes = new ScopeSpans[Math.Min(_resources.Length, spans)];
        for (var i = 0; i < scopes.Length; i++)
        {
            scopes[i] = new ScopeSpans { Scope = _scope };
            var resource = new ResourceSpans { Resource = _resources[i] };
            resource.ScopeSpans.Add(scopes[i]);
            request.ResourceSpans.Add(resource);
        }

        var now = UnixNanos(DateTime.UtcNow);
        for (var i = 0; i < spans; i++)
        {
            var peer = random.Next(_peers.Length);
            var end = now - (ulong)random.Next(0, 100_000) * 1_000;
            var duration = (ulong)random.Next(1_000, 50_001) * 1_000;
            var span = ClientSpan(random, "GET /api/items", end - duration, end);
            span.Attributes.Add(_peers[peer]);
            span.Attributes.Add(_addresses[peer]);
            span.Attributes.Add(_method);
            span.Attributes.Add(random.Next(100) == 0 ? _unavailable : _ok);
            scopes[i % scopes.Length].Spans.Add(span);
        }

        return request;
    }

    /// <summary>One client span, 1 ms long and ending now, from <paramref name="service"/> to <paramref name="peer"/>.</summary>
    public static ExportTraceServiceRequest Single(Random random, string service, string peer)
    {
        var end = UnixNanos(DateTime.UtcNow);
        var span = ClientSpan(random, "GET /probe", end - 1_000_000, end);
        span.Attributes.Add(Text("peer.service", peer));
        span.Attributes.Add(_ok);
        var resource = new ResourceSpans { Resource = Service(service) };
        resource.ScopeSpans.Add(new ScopeSpans { Scope = _scope, Spans = { span } });
        return new ExportTraceServiceRequest { ResourceSpans = { resource } };
    }

    private static Span ClientSpan(Random random, string name, ulong start, ulong end)
    {
        Span<byte> ids = stackalloc byte[32];
        random.NextBytes(ids);
        // All-zero ids are invalid in OTLP; a set low bit rules them out.
        ids[0] |= 1;
        ids[16] |= 1;
        ids[24] |= 1;
        return new Span
        {
            TraceId = ByteString.CopyFrom(ids[..16]),
            SpanId = ByteString.CopyFrom(ids[16..24]),
            ParentSpanId = ByteString.CopyFrom(ids[24..]),
            Name = name,
            Kind = Span.Types.SpanKind.Client,
            StartTimeUnixNano = start,
            EndTimeUnixNano = end,
        };
    }

    private static Resource Service(string name) => new()
    {
        Attributes = { Text("service.name", name), Text("service.instance.id", name + "-0"), Text("telemetry.sdk.language", "dotnet") },
    };

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Number(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    private static ulong UnixNanos(DateTime utc) => (ulong)(utc - DateTime.UnixEpoch).Ticks * 100;
}
