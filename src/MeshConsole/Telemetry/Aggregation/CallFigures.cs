namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// The calls of some edges summed over a span of time: rate per second of the span, error %, and p50/p99
/// in milliseconds (null when no call carried a latency). Read live (<see cref="TopologyAggregator.Calls"/>)
/// or from stored minutes (<see cref="FromMinutes"/>).
/// </summary>
public sealed record CallFigures(long Requests, long Errors, double RequestsPerSecond, double ErrorPercent, double? P50Milliseconds, double? P99Milliseconds)
{
    public static CallFigures None { get; } = new(0, 0, 0, 0, null, null);

    /// <summary>The calls of the <paramref name="minutes"/> <paramref name="include"/> picks, rated over <paramref name="seconds"/>.</summary>
    public static CallFigures FromMinutes(IEnumerable<EdgeMinute> minutes, Func<EdgeKey, bool> include, double seconds)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        ArgumentNullException.ThrowIfNull(include);
        var total = new EdgeCounts();
        foreach (var minute in minutes.Where(m => include(m.Key)))
            total.Add(minute);
        return From(total.ToSummary(), seconds);
    }

    internal static CallFigures From(EdgeSummary summary, double seconds)
    {
        var quantiles = LatencyHistogram.Quantiles(summary.Latencies, LatencyDistribution.Empty);
        return new(
            summary.Count,
            summary.Errors,
            seconds > 0 ? summary.Count / seconds : 0,
            TopologyViewBuilder.Percent(summary.Errors, summary.Count),
            quantiles?.P50,
            quantiles?.P99);
    }
}
