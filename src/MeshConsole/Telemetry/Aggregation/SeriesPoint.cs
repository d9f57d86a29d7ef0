namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// One step of a series (<see cref="TopologyAggregator.Series"/>, <see cref="Rollups.Series"/>): the calls of
/// the edges summed that started in [<paramref name="Start"/>, <paramref name="Start"/> + <paramref name="Width"/>).
/// <paramref name="P95Milliseconds"/> is null when none of them carried a latency.
/// </summary>
public sealed record SeriesPoint(DateTimeOffset Start, TimeSpan Width, long Requests, long Errors, long Denied, double? P95Milliseconds)
{
    public double RequestsPerSecond => Width > TimeSpan.Zero ? Requests / Width.TotalSeconds : 0;

    /// <summary>100 × errors / requests; 0 for a step with no call.</summary>
    public double ErrorPercent => TopologyViewBuilder.Percent(Errors, Requests);

    /// <summary>
    /// The smallest whole number of <paramref name="units"/> (buckets, minutes) a step spans for at most
    /// <paramref name="maxPoints"/> steps, and the number of steps that covers them.
    /// </summary>
    internal static (int Step, int Count) Steps(int units, int maxPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        // In longs: a maxPoints near int.MaxValue must not wrap round.
        var step = (int)(((long)units + maxPoints - 1) / maxPoints);
        return (step, (int)(((long)units + step - 1) / step));
    }

    /// <summary>The step of <paramref name="summary"/>'s calls, its p95 read as a view reads quantiles.</summary>
    internal static SeriesPoint From(DateTimeOffset start, TimeSpan width, EdgeSummary summary) =>
        new(start, width, summary.Count, summary.Errors, summary.Denied,
            summary.Latencies.Total == 0 ? null : LatencyHistogram.ValueAtPercentile(95, summary.Latencies, LatencyDistribution.Empty) / 1000.0);
}
