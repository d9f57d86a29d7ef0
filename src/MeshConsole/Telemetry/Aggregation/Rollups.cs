namespace MeshConsole.Telemetry.Aggregation;

/// <summary>Views replayed from stored per-minute rollups (<see cref="TopologyAggregator.Minute"/>).</summary>
public static class Rollups
{
    /// <summary>
    /// The topology over <paramref name="window"/> up to <paramref name="end"/>, from <paramref name="minutes"/>:
    /// the caller passes the stored minutes of that window, each once, and they are added up as given (rows of
    /// one edge and minute from several console replicas add up to the calls they received between them).
    /// Rates divide by the whole window; quantiles come from the merged latencies through the same HdrHistogram
    /// as a live <see cref="TopologyAggregator.Snapshot(TimeSpan, HealthThresholds)"/>, so the minutes of a span
    /// of whole minutes give the view the aggregator gave live when its window was that span.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The thresholds are unusable, or a minute's counts are inconsistent.</exception>
    public static TopologyView Merge(IEnumerable<EdgeMinute> minutes, DateTimeOffset end, TimeSpan window, HealthThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        TopologyViewBuilder.ThrowIfInvalid(thresholds);

        var merged = new Dictionary<EdgeKey, EdgeCounts>();
        foreach (var minute in minutes)
        {
            ArgumentNullException.ThrowIfNull(minute, nameof(minutes));
            if (Problem(minute) is { } problem)
            {
                throw new ArgumentException(problem, nameof(minutes));
            }
            if (!merged.TryGetValue(minute.Key, out var total))
            {
                merged[minute.Key] = total = new EdgeCounts();
            }
            total.Add(minute);
        }
        return TopologyViewBuilder.Build(merged, end, window, window.TotalSeconds, thresholds);
    }

    // Minutes come back from storage: check what the live path checks on the way in (see Observation).
    private static string? Problem(EdgeMinute minute)
    {
        if (minute.Key.Source is null || minute.Key.Destination is null || minute.Key.Protocol is null || minute.Latencies is null)
        {
            return $"The minute {minute.Minute:O} of an edge lacks its key or its latencies.";
        }
        if (minute.Requests < 0 || minute.Errors < 0 || minute.Denied < 0 || minute.Errors > minute.Requests || minute.Denied > minute.Requests)
        {
            return $"The minute {minute.Minute:O} of {minute.Key} has inconsistent counts: {minute.Requests} requests, {minute.Errors} errors, {minute.Denied} denied.";
        }
        return minute.Latencies.Any(s => s.Count < 0 || s.Duration < TimeSpan.Zero)
            ? $"The minute {minute.Minute:O} of {minute.Key} has a negative latency or call count."
            : null;
    }
}
