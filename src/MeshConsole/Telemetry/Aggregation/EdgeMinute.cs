namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// One edge's calls in one whole UTC minute starting at <paramref name="Minute"/>, as a rollup to store and
/// merge again later (<see cref="Rollups.Merge"/>). <paramref name="Latencies"/> are the values HdrHistogram
/// files the calls' latencies under, in whole microseconds, distinct and ascending, with how many calls took
/// each: what the live buckets keep, so merging minutes gives the quantiles merging buckets gives. They may
/// cover fewer calls than <paramref name="Requests"/> (none, for calls counted without a latency).
/// </summary>
/// <remarks>Record equality compares <paramref name="Latencies"/> by reference; compare them with a sequence comparison.</remarks>
public sealed record EdgeMinute(EdgeKey Key, DateTimeOffset Minute, long Requests, long Errors, long Denied, IReadOnlyList<LatencySample> Latencies);
