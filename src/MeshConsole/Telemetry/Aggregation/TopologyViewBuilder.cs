namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// Turns merged edge counts into a <see cref="TopologyView"/>. Live snapshots and replayed rollups both come
/// through here, so that the same data gives the same view whichever way it arrived.
/// </summary>
internal static class TopologyViewBuilder
{
    public static void ThrowIfInvalid(HealthThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        var errors = thresholds.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(thresholds));
        }
    }

    /// <summary>
    /// The view of each edge's calls in <paramref name="closed"/> and <paramref name="open"/> together (either may
    /// lack an edge); rates are per second of <paramref name="seconds"/>. Neither is changed.
    /// </summary>
    public static TopologyView Build(
        IReadOnlyDictionary<EdgeKey, EdgeSummary> closed, IReadOnlyDictionary<EdgeKey, EdgeSummary> open,
        DateTimeOffset at, TimeSpan window, double seconds, HealthThresholds thresholds)
    {
        var edges = new List<EdgeStats>(closed.Count + open.Count);
        var nodes = new Dictionary<string, NodeTotals>(StringComparer.Ordinal);
        foreach (var (key, summary) in closed)
        {
            Add(edges, nodes, key, summary, open.TryGetValue(key, out var fresh) ? fresh : null, seconds);
        }
        foreach (var (key, summary) in open)
        {
            if (!closed.ContainsKey(key))
            {
                Add(edges, nodes, key, summary, null, seconds);
            }
        }
        edges.Sort(static (a, b) => CompareEdges(a.Key, b.Key));

        var nodeStats = nodes
            .OrderBy(n => n.Key, StringComparer.Ordinal)
            .Select(n =>
            {
                var (requests, errors, denied) = (n.Value.Requests, n.Value.Errors, n.Value.Denied);
                var errorPercent = Percent(errors, requests);
                // A node nobody called in the window (a client, say) has nothing wrong to show.
                var health = requests == 0 ? NodeHealth.Green : thresholds.Classify(errorPercent);
                return new NodeStats(n.Key, requests, errors, denied, requests / seconds, errorPercent, health);
            })
            .ToList();

        return new TopologyView(at, window, nodeStats, edges);
    }

    private static void Add(
        List<EdgeStats> edges, Dictionary<string, NodeTotals> nodes, EdgeKey key, EdgeSummary summary, EdgeSummary? more, double seconds)
    {
        var (count, errors, denied) = (summary.Count + (more?.Count ?? 0), summary.Errors + (more?.Errors ?? 0), summary.Denied + (more?.Denied ?? 0));
        var quantiles = LatencyHistogram.Quantiles(summary.Latencies, more?.Latencies ?? LatencyDistribution.Empty);
        edges.Add(new EdgeStats(
            key, count, errors, denied, count / seconds, Percent(errors, count),
            quantiles?.P50, quantiles?.P95, quantiles?.P99));

        nodes.TryAdd(key.Source, new NodeTotals());
        if (!nodes.TryGetValue(key.Destination, out var inbound))
        {
            nodes[key.Destination] = inbound = new NodeTotals();
        }
        inbound.Requests += count;
        inbound.Errors += errors;
        inbound.Denied += denied;
    }

    /// <summary>Source, then destination, then protocol, ordinally: the order of a view's edges.</summary>
    public static int CompareEdges(EdgeKey a, EdgeKey b)
    {
        var bySource = string.CompareOrdinal(a.Source, b.Source);
        if (bySource != 0)
        {
            return bySource;
        }
        var byDestination = string.CompareOrdinal(a.Destination, b.Destination);
        return byDestination != 0 ? byDestination : string.CompareOrdinal(a.Protocol, b.Protocol);
    }

    public static double Percent(long part, long whole) => whole == 0 ? 0 : 100.0 * part / whole;

    private sealed class NodeTotals
    {
        public long Requests { get; set; }

        public long Errors { get; set; }

        public long Denied { get; set; }
    }
}
