namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// Calls into each service per subset its callers' route rules picked (the observed split of a canary or
/// an A/B test), over the same sliding windows as the topology: rate, error %, p50 and p99. The topology's
/// edges stay whole; this is a second aggregator of the same kind, whose keys name a service and one of
/// its subsets instead of a caller and a callee, so windows, caches and the bound on what hostile OTLP
/// input can make it keep (<see cref="TopologyAggregatorOptions.MaxEdges"/>, here the subsets) are the
/// topology's own.
/// </summary>
public sealed class SubsetAggregator
{
    // The third part of every key: calls of one subset are counted together whatever their protocol.
    private const string AnyProtocol = "*";

    private readonly TopologyAggregator _calls;

    public SubsetAggregator(TimeProvider timeProvider, TopologyAggregatorOptions? options = null) =>
        _calls = new TopologyAggregator(timeProvider, options);

    /// <summary>Observations refused because their subset was new and the cap of subsets kept was reached.</summary>
    public long DroppedSubsets => _calls.DroppedEdges;

    /// <summary>(service, subset) pairs currently kept.</summary>
    public int SubsetCount => _calls.EdgeCount;

    /// <summary>
    /// Adds the calls of <paramref name="observation"/>, whose destination is the service called, to
    /// <paramref name="subset"/> of it. False when refused (too old, or a new subset past the cap).
    /// </summary>
    public bool Record(string subset, Observation observation)
    {
        ArgumentException.ThrowIfNullOrEmpty(subset);
        ArgumentNullException.ThrowIfNull(observation);
        return _calls.Record(observation.WithKey(new EdgeKey(observation.Key.Destination, subset, AnyProtocol)));
    }

    /// <summary>
    /// The subsets of <paramref name="service"/> that were called over <paramref name="window"/> (a whole
    /// number of buckets up to the retention), sorted by name, each with its share of the calls.
    /// </summary>
    public SubsetView Subsets(string service, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(service);
        var view = _calls.Snapshot(window);
        var edges = view.Edges.Where(e => string.Equals(e.Key.Source, service, StringComparison.Ordinal)).ToList();
        var total = edges.Sum(e => e.Requests);
        var subsets = edges
            .Select(e => new SubsetStats(
                e.Key.Destination, e.Requests, e.Errors, e.RequestsPerSecond, e.ErrorPercent,
                TopologyViewBuilder.Percent(e.Requests, total), e.P50Milliseconds, e.P99Milliseconds))
            .ToList();
        return new SubsetView(service, view.At, window, subsets);
    }
}
