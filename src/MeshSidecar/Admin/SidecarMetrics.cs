using System.Diagnostics;
using System.Diagnostics.Metrics;
using MeshSidecar.Configuration;
using MeshSidecar.Traffic;

namespace MeshSidecar.Admin;

/// <summary>
/// The sidecar's metrics: what it applied and refused, and every request it carried with what its
/// policies did to it. Names follow the OpenTelemetry HTTP semantic conventions where they exist
/// (<c>http.client.request.duration</c> for calls out, <c>http.server.request.duration</c> for calls
/// in) and carry a <c>mesh.</c> prefix where they do not.
/// </summary>
internal sealed class SidecarMetrics : IDisposable
{
    public const string MeterName = "MeshSidecar";

    /// <summary>
    /// The subset a route rule picked for a call out, on its metric and span; absent when no rule matched.
    /// The console reads it to show each subset's share of a service's calls (the observed split).
    /// </summary>
    public const string SubsetAttribute = "mesh.destination.subset";

    /// <summary>The semantic conventions' advised buckets for HTTP durations, in seconds.</summary>
    private static readonly double[] _durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly Meter _meter;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _outbound;
    private readonly Histogram<double> _inbound;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _retriesDenied;
    private readonly Counter<long> _ejections;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _faults;
    private readonly Counter<long> _mirrored;
    private readonly Counter<long> _accessDenied;
    private readonly Counter<long> _handshakesRefused;
    private readonly KeyValuePair<string, object?> _instance;
    private readonly string _service;

    public SidecarMetrics(SidecarOptions options)
    {
        // Several sidecars may share a process (the demo, the tests): each has its own meter, so its
        // exporters see its own measurements only, and names itself on every point.
        Name = $"{MeterName}.{options.EffectiveInstanceId}";
        _meter = new Meter(Name);
        _instance = new("mesh.sidecar.instance", options.EffectiveInstanceId);
        _service = options.Service;
        _applied = _meter.CreateCounter<long>("mesh.sidecar.snapshots.applied", "{snapshot}", "Snapshots applied.");
        _refused = _meter.CreateCounter<long>("mesh.sidecar.snapshots.refused", "{snapshot}", "Snapshots refused (NACKed).");
        var buckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = _durationBuckets };
        _outbound = _meter.CreateHistogram("http.client.request.duration", "s", "Calls from this service's app to a mesh service, through all retries.", advice: buckets);
        _inbound = _meter.CreateHistogram("http.server.request.duration", "s", "Calls into this service's app from the mesh.", advice: buckets);
        _retries = _meter.CreateCounter<long>("mesh.retries", "{retry}", "Retries of failed attempts, by the reason the attempt failed.");
        _retriesDenied = _meter.CreateCounter<long>("mesh.retries.denied", "{retry}", "Retries the retry budget refused.");
        _ejections = _meter.CreateCounter<long>("mesh.outlier.ejections", "{ejection}", "Instances set aside after consecutive failures.");
        _rateLimited = _meter.CreateCounter<long>("mesh.rate_limited", "{request}", "Calls refused by the rate limit (HTTP 429, gRPC RESOURCE_EXHAUSTED).");
        _faults = _meter.CreateCounter<long>("mesh.faults.injected", "{fault}", "Delays and aborts injected by fault policies.");
        _accessDenied = _meter.CreateCounter<long>("mesh.access.denied", "{request}", "Calls refused by the access policy or by strict mutual TLS (HTTP 403, gRPC PERMISSION_DENIED).");
        _handshakesRefused = _meter.CreateCounter<long>("mesh.tls.handshakes.refused", "{handshake}", "TLS handshakes refused because the peer's certificate proves no mesh identity, by reason.");
        _mirrored = _meter.CreateCounter<long>("mesh.mirror.requests", "{request}", "Copies of requests sent to a mirror subset, or dropped when too many were in flight.");
    }

    /// <summary>This sidecar's meter: <c>MeshSidecar.&lt;instance id&gt;</c>.</summary>
    public string Name { get; }

    public long AppliedRevision { get; private set; }

    public void Applied(long revision)
    {
        AppliedRevision = revision;
        _applied.Add(1, _instance);
    }

    public void Refused() => _refused.Add(1, _instance);

    public void CreateRevisionGauge() =>
        _meter.CreateObservableGauge("mesh.sidecar.snapshot.revision", () => new Measurement<long>(AppliedRevision, _instance), "{revision}", "Revision of the snapshot in force.");

    /// <summary>One call out, from the first byte in to the last byte of the answer.</summary>
    public void Outbound(RequestOutcome outcome, string destination, string route, string? subset, TimeSpan duration)
    {
        var tags = Tags(outcome, source: _service, destination);
        tags.Add("mesh.route", route);
        if (subset is not null)
            tags.Add(SubsetAttribute, subset);
        _outbound.Record(duration.TotalSeconds, tags);
    }

    /// <summary>One call in, as the app's sidecar saw it.</summary>
    public void Inbound(RequestOutcome outcome, string source, TimeSpan duration) =>
        _inbound.Record(duration.TotalSeconds, Tags(outcome, source, destination: _service));

    public void Retry(string destination, string route, string reason) =>
        _retries.Add(1, _instance, new("mesh.destination.service", destination), new("mesh.route", route), new("mesh.retry.reason", reason));

    public void RetryDenied(string destination, string route) =>
        _retriesDenied.Add(1, _instance, new("mesh.destination.service", destination), new("mesh.route", route));

    public void Ejected(string destination, string endpoint) =>
        _ejections.Add(1, _instance, new("mesh.destination.service", destination), new("mesh.endpoint", endpoint));

    public void RateLimited(string source) =>
        _rateLimited.Add(1, _instance, new("mesh.source.service", source), new("mesh.destination.service", _service));

    public void FaultInjected(string destination, string fault, string kind) =>
        _faults.Add(1, _instance, new("mesh.destination.service", destination), new("mesh.fault", fault), new("mesh.fault.kind", kind));

    public void Mirrored(string destination, string subset, bool sent) =>
        _mirrored.Add(1, _instance, new("mesh.destination.service", destination), new("mesh.subset", subset), new("mesh.mirror.outcome", sent ? "sent" : "dropped"));

    /// <summary>A call refused on inbound; <paramref name="reason"/> is <c>policy</c> or <c>strict-mtls</c>.</summary>
    public void AccessDenied(string source, string reason) =>
        _accessDenied.Add(1, _instance, new("mesh.source.service", source), new("mesh.destination.service", _service), new("mesh.access.reason", reason));

    /// <summary>A handshake refused; <paramref name="direction"/> is <c>inbound</c> (a caller's certificate) or <c>outbound</c> (a peer's).</summary>
    public void HandshakeRefused(string direction, string reason) =>
        _handshakesRefused.Add(1, _instance, new("mesh.tls.direction", direction), new("mesh.tls.refusal", reason));

    public void Dispose() => _meter.Dispose();

    private TagList Tags(RequestOutcome outcome, string source, string destination)
    {
        var tags = new TagList
        {
            _instance,
            { "mesh.source.service", source },
            { "mesh.destination.service", destination },
            { "http.request.method", outcome.Method },
            { "http.response.status_code", outcome.StatusCode },
            { "mesh.status_class", outcome.StatusClass },
        };
        if (outcome.GrpcCode is { } grpc)
            tags.Add("rpc.grpc.status_code", grpc);
        return tags;
    }
}
