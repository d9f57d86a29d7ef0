namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// Request counts, errors, denials and latency per edge over sliding windows. Time is cut into buckets
/// (10 s by default) kept in a ring one hour long; a window merges the buckets inside it,
/// so data leaves a window one bucket at a time. Many writers may <see cref="Record"/> at once — each takes
/// only the lock of the bucket it writes — and readers take immutable <see cref="Snapshot(TimeSpan)"/>s.
/// </summary>
public sealed class TopologyAggregator
{
    private static readonly Func<EdgeKey, bool> _tracked = static _ => true;

    private readonly TimeProvider _time;
    private readonly long _bucketTicks;
    private readonly long _retentionTicks;
    private readonly HealthThresholds _health;
    private readonly TimeBucket[] _buckets;
    private readonly BoundedEdgeMap<bool> _edges;
    private readonly long _startedTicks;
    private long _droppedLate;

    public TopologyAggregator(TimeProvider timeProvider, TopologyAggregatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= new TopologyAggregatorOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _time = timeProvider;
        _bucketTicks = options.BucketWidth.Ticks;
        _retentionTicks = options.Retention.Ticks;
        _health = options.Health;
        // Exactly the longest window: a window is the current bucket and the ones before it (see Snapshot),
        // so a bucket one slot older than that is out of every window and its slot can be reused.
        _buckets = new TimeBucket[(int)(_retentionTicks / _bucketTicks)];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new TimeBucket();
        }
        _edges = new BoundedEdgeMap<bool>(options.MaxEdges);
        _startedTicks = timeProvider.GetUtcNow().UtcTicks;
    }

    /// <summary>Observations refused because their edge was new and <see cref="TopologyAggregatorOptions.MaxEdges"/> edges were already kept.</summary>
    public long DroppedEdges => _edges.Refused;

    /// <summary>Observations refused because they were older than the retention.</summary>
    public long DroppedLate => Interlocked.Read(ref _droppedLate);

    /// <summary>Edges currently kept (seen within the retention, or not yet forgotten).</summary>
    public int EdgeCount => _edges.Count;

    /// <summary>
    /// Adds <paramref name="observation"/> to the bucket of its timestamp (a timestamp ahead of the clock,
    /// from a skewed host, counts as now). Returns false when it was refused: older than the retention, or a
    /// new edge past the cap (counted in <see cref="DroppedLate"/> and <see cref="DroppedEdges"/>).
    /// </summary>
    public bool Record(Observation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (observation.Count == 0)
        {
            return true;
        }

        var current = BucketIndex(_time.GetUtcNow());
        var index = Math.Min(BucketIndex(observation.Timestamp), current);
        var oldestKept = current - _buckets.Length + 1;
        if (index < oldestKept)
        {
            Interlocked.Increment(ref _droppedLate);
            return false;
        }
        // Edges are stamped with the arrival bucket, which is never older than any of their data: an edge
        // idle for the whole ring has nothing left in it and can be forgotten.
        if (!_edges.TryGetOrAdd(observation.Key, current, oldestKept, _tracked, out _))
        {
            return false;
        }

        var bucket = _buckets[index % _buckets.Length];
        var opened = false;
        lock (bucket.Gate)
        {
            if (bucket.Index > index)
            {
                // The slot already holds a later slice: only a clock that stepped back gets here.
                Interlocked.Increment(ref _droppedLate);
                return false;
            }
            if (bucket.Index < index)
            {
                bucket.Reset(index);
                opened = true;
            }
            bucket.Add(observation);
        }
        if (opened)
        {
            // Two buckets back is closed for all but stragglers: spans come in batches a few seconds late.
            Compact(index - 2);
        }
        return true;
    }

    /// <summary>The topology over <paramref name="window"/>, with node health from the configured thresholds.</summary>
    public TopologyView Snapshot(TimeSpan window) => Snapshot(window, _health);

    /// <summary>
    /// The topology over <paramref name="window"/> — a whole number of buckets up to the retention — ending now.
    /// The window is the current, partly elapsed bucket and the ones before it; rates divide by the time
    /// those cover (the window less what is still to come of the current bucket, and no more than the
    /// aggregator has been running), so a steady rate reads the same all through a bucket and right after start.
    /// </summary>
    public TopologyView Snapshot(TimeSpan window, HealthThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (window <= TimeSpan.Zero || window.Ticks > _retentionTicks || window.Ticks % _bucketTicks != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(window), window, $"A window must be a whole number of {TimeSpan.FromTicks(_bucketTicks)} buckets, at most {TimeSpan.FromTicks(_retentionTicks)}.");
        }
        var thresholdErrors = thresholds.Validate();
        if (thresholdErrors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", thresholdErrors), nameof(thresholds));
        }

        var now = _time.GetUtcNow();
        var current = BucketIndex(now);
        var first = current - (window.Ticks / _bucketTicks) + 1;
        var merged = Merge(first, current);

        var coveredTicks = now.UtcTicks - Math.Max(first * _bucketTicks, _startedTicks);
        // At least a second, so that a snapshot right at start does not divide by (almost) nothing.
        var seconds = Math.Max(coveredTicks, TimeSpan.TicksPerSecond) / (double)TimeSpan.TicksPerSecond;

        var histogram = LatencyHistogram.Create();
        var edges = new List<EdgeStats>(merged.Count);
        var nodes = new Dictionary<string, NodeTotals>(StringComparer.Ordinal);
        foreach (var (key, counts) in merged)
        {
            var quantiles = LatencyHistogram.Quantiles(histogram, counts);
            edges.Add(new EdgeStats(
                key, counts.Count, counts.Errors, counts.Denied, counts.Count / seconds, Percent(counts.Errors, counts.Count),
                quantiles?.P50, quantiles?.P95, quantiles?.P99));

            nodes.TryAdd(key.Source, new NodeTotals());
            if (!nodes.TryGetValue(key.Destination, out var inbound))
            {
                nodes[key.Destination] = inbound = new NodeTotals();
            }
            inbound.Requests += counts.Count;
            inbound.Errors += counts.Errors;
            inbound.Denied += counts.Denied;
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

        return new TopologyView(now, window, nodeStats, edges);
    }

    private Dictionary<EdgeKey, EdgeCounts> Merge(long first, long last)
    {
        var merged = new Dictionary<EdgeKey, EdgeCounts>();
        for (var index = Math.Max(first, 0); index <= last; index++)
        {
            var bucket = _buckets[index % _buckets.Length];
            lock (bucket.Gate)
            {
                // A slot that still holds an older slice (nothing was recorded since) is not part of the window.
                if (bucket.Index != index)
                {
                    continue;
                }
                if (index <= last - 2)
                {
                    bucket.Compact();
                }
                foreach (var (key, counts) in bucket.Edges)
                {
                    if (!merged.TryGetValue(key, out var total))
                    {
                        merged[key] = total = new EdgeCounts();
                    }
                    total.Merge(counts);
                }
            }
        }
        return merged;
    }

    private void Compact(long index)
    {
        var bucket = _buckets[(index % _buckets.Length + _buckets.Length) % _buckets.Length];
        lock (bucket.Gate)
        {
            if (bucket.Index == index)
            {
                bucket.Compact();
            }
        }
    }

    private long BucketIndex(DateTimeOffset at) => at.UtcTicks / _bucketTicks;

    private static double Percent(long part, long whole) => whole == 0 ? 0 : 100.0 * part / whole;

    private static int CompareEdges(EdgeKey a, EdgeKey b)
    {
        var bySource = string.CompareOrdinal(a.Source, b.Source);
        if (bySource != 0)
        {
            return bySource;
        }
        var byDestination = string.CompareOrdinal(a.Destination, b.Destination);
        return byDestination != 0 ? byDestination : string.CompareOrdinal(a.Protocol, b.Protocol);
    }

    private sealed class NodeTotals
    {
        public long Requests { get; set; }

        public long Errors { get; set; }

        public long Denied { get; set; }
    }
}
