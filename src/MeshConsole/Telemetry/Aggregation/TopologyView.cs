namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// The topology over <paramref name="Window"/> up to <paramref name="At"/>. Rates are per second of the
/// time the window actually covers (see <see cref="TopologyAggregator.Snapshot(TimeSpan, HealthThresholds)"/>).
/// Nodes and edges are sorted by name, ordinally.
/// </summary>
public sealed record TopologyView(DateTimeOffset At, TimeSpan Window, IReadOnlyList<NodeStats> Nodes, IReadOnlyList<EdgeStats> Edges);

/// <summary>
/// One edge over the window. <paramref name="ErrorPercent"/> is 100 × errors / requests. Latency quantiles
/// are in milliseconds and null when no call of the window carried a latency.
/// </summary>
public sealed record EdgeStats(
    EdgeKey Key,
    long Requests,
    long Errors,
    long Denied,
    double RequestsPerSecond,
    double ErrorPercent,
    double? P50Milliseconds,
    double? P95Milliseconds,
    double? P99Milliseconds);

/// <summary>One service (or <see cref="External.Name"/>) over the window, from the edges that end at it.</summary>
public sealed record NodeStats(
    string Service,
    long InboundRequests,
    long InboundErrors,
    long InboundDenied,
    double InboundRequestsPerSecond,
    double ErrorPercent,
    NodeHealth Health);
