namespace MeshConsole.Telemetry.Aggregation;

/// <summary>One edge's calls over some buckets, as views read them: counts and the latency distribution. Immutable.</summary>
internal readonly record struct EdgeSummary(long Count, long Errors, long Denied, LatencyDistribution Latencies);
