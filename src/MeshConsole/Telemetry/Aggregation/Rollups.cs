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
        var summaries = merged.ToDictionary(pair => pair.Key, pair => pair.Value.ToSummary());
        return TopologyViewBuilder.Build(summaries, new Dictionary<EdgeKey, EdgeSummary>(), end, window, window.TotalSeconds, thresholds);
    }

    /// <summary>
    /// The calls of the edges <paramref name="include"/> selects, summed, over <paramref name="window"/> up to
    /// <paramref name="end"/> (both whole minutes), from <paramref name="minutes"/> (as for <see cref="Merge"/>), in
    /// steps of the fewest whole minutes that make at most <paramref name="maxPoints"/> of them, oldest first. The
    /// steps cover the whole window, steps with no call included, and end at <paramref name="end"/>; the oldest one
    /// is narrower when the step does not divide the window. Minutes outside the window are left out. P95 comes
    /// from the merged latencies as in a view, so the minutes of a span of whole minutes give the series
    /// <see cref="TopologyAggregator.Series"/> gave live, in steps of the same whole minutes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not a positive whole number of minutes, or <paramref name="maxPoints"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="end"/> is not a whole UTC minute, or a minute's counts are inconsistent.</exception>
    public static IReadOnlyList<SeriesPoint> Series(
        IEnumerable<EdgeMinute> minutes, DateTimeOffset end, TimeSpan window, Func<EdgeKey, bool> include, int maxPoints = 60)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        ArgumentNullException.ThrowIfNull(include);
        if (window <= TimeSpan.Zero || window.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "A window must be a positive whole number of minutes.");
        }
        if (end.UtcTicks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentException($"The end must be a whole UTC minute (was {end:O}).", nameof(end));
        }
        var units = (int)Math.Min(window.Ticks / TimeSpan.TicksPerMinute, int.MaxValue);
        var (step, count) = SeriesPoint.Steps(units, maxPoints);

        var start = end.ToUniversalTime() - window;
        var totals = new EdgeCounts[count];
        for (var i = 0; i < count; i++)
        {
            totals[i] = new EdgeCounts();
        }
        foreach (var minute in minutes)
        {
            ArgumentNullException.ThrowIfNull(minute, nameof(minutes));
            if (Problem(minute) is { } problem)
            {
                throw new ArgumentException(problem, nameof(minutes));
            }
            var offset = Math.Floor((minute.Minute - start).TotalMinutes);
            if (offset >= 0 && offset < units && include(minute.Key))
            {
                // Steps are counted back from the end: the oldest takes what is left over.
                totals[count - 1 - ((units - 1 - (int)offset) / step)].Add(minute);
            }
        }

        var points = new SeriesPoint[count];
        for (var i = 0; i < count; i++)
        {
            var stepEnd = units - ((count - 1 - i) * step);
            var stepStart = Math.Max(stepEnd - step, 0);
            points[i] = SeriesPoint.From(start + TimeSpan.FromMinutes(stepStart), TimeSpan.FromMinutes(stepEnd - stepStart), totals[i].ToSummary());
        }
        return points;
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
