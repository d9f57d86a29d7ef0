namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// A running sum of one edge's calls taken from buckets: added, or taken away again (a bucket leaving a
/// window), before it is folded into an <see cref="EdgeSummary"/>. Not thread-safe.
/// </summary>
internal sealed class EdgeTally
{
    private readonly Dictionary<int, long> _latencies = [];
    private long _count;
    private long _errors;
    private long _denied;

    /// <summary>Adds <paramref name="counts"/> times <paramref name="sign"/> (1 adds, -1 takes away).</summary>
    public void Add(EdgeCounts counts, long sign)
    {
        _count += sign * counts.Count;
        _errors += sign * counts.Errors;
        _denied += sign * counts.Denied;
        counts.Latencies.AddTo(_latencies, sign);
    }

    /// <summary>The calls tallied.</summary>
    public EdgeSummary ToSummary() => new(_count, _errors, _denied, LatencyDistribution.From(_latencies));

    /// <summary><paramref name="summary"/> with this tally applied; null when no call is left.</summary>
    public EdgeSummary? ApplyTo(EdgeSummary summary)
    {
        var count = summary.Count + _count;
        return count <= 0
            ? null
            : new EdgeSummary(count, summary.Errors + _errors, summary.Denied + _denied, summary.Latencies.With(_latencies));
    }

    /// <summary>
    /// Adds <paramref name="counts"/> times <paramref name="sign"/> to the tally of <paramref name="key"/> in
    /// <paramref name="tallies"/>, making it if needed.
    /// </summary>
    public static void Add(Dictionary<EdgeKey, EdgeTally> tallies, EdgeKey key, EdgeCounts counts, long sign)
    {
        if (!tallies.TryGetValue(key, out var tally))
        {
            tallies[key] = tally = new EdgeTally();
        }
        tally.Add(counts, sign);
    }
}
