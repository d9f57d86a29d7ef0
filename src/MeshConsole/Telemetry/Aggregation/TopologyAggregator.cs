using System.Collections.Concurrent;

namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// Request counts, errors, denials and latency per edge over sliding windows. Time is cut into buckets
/// (10 s by default) kept in a ring one hour long; a window merges the buckets inside it,
/// so data leaves a window one bucket at a time. Many writers may <see cref="Record"/> at once — each takes
/// only the lock of the bucket it writes — and readers take immutable <see cref="Snapshot(TimeSpan)"/>s.
/// Each window read keeps the merge of its closed buckets (<see cref="ClosedWindow"/>) for the next read, so
/// that a page polling every few seconds costs the open buckets and a bucket's worth of sliding, not the window.
/// </summary>
public sealed partial class TopologyAggregator
{
    // Caches kept at most: the windows the console serves (AggregationWindows.All) and a few more. A read of
    // any further window merges its closed buckets afresh, as every read did before caches.
    private const int MaxCachedWindows = 8;

    private static readonly Func<EdgeKey, bool> _tracked = static _ => true;

    private readonly TimeProvider _time;
    private readonly long _bucketTicks;
    private readonly long _retentionTicks;
    private readonly HealthThresholds _health;
    private readonly TimeBucket[] _buckets;
    private readonly BoundedEdgeMap<bool> _edges;
    private readonly long _startedTicks;
    private readonly ConcurrentDictionary<long, ClosedWindow> _closed = new();
    private readonly Func<long, Dictionary<EdgeKey, EdgeCounts>?> _seal;
    private long _droppedLate;
    // Calls recorded into sealed buckets: a read whose cache saw the same count knows no cached bucket changed.
    private long _lateWrites;

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
        _seal = Seal;
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
        bool late;
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
            late = bucket.Add(observation);
        }
        if (late)
        {
            // After the add, so that a read that sees the new count finds the calls in the bucket.
            Interlocked.Increment(ref _lateWrites);
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
        var buckets = WindowBuckets(window);
        TopologyViewBuilder.ThrowIfInvalid(thresholds);

        var now = _time.GetUtcNow();
        var current = BucketIndex(now);
        var first = Math.Max(current - buckets + 1, 0);
        var coveredTicks = now.UtcTicks - Math.Max(first * _bucketTicks, _startedTicks);
        // At least a second, so that a snapshot right at start does not divide by (almost) nothing.
        var seconds = Math.Max(coveredTicks, TimeSpan.TicksPerSecond) / (double)TimeSpan.TicksPerSecond;

        // Two buckets back and older only stragglers still reach (see Record): those are the cached part.
        var lastClosed = current - 2;
        var closed = _closed.TryGetValue(buckets, out var cached) ? cached
            : _closed.Count < MaxCachedWindows ? _closed.GetOrAdd(buckets, static n => new ClosedWindow((int)n))
            : new ClosedWindow(buckets);
        lock (closed.Gate)
        {
            // Read before any bucket is sealed again: a late call counted after this is in the next read.
            var lateWrites = Interlocked.Read(ref _lateWrites);
            closed.Update(first, lastClosed, lateWrites, _seal);
            var open = new Dictionary<EdgeKey, EdgeTally>();
            for (var index = Math.Max(first, lastClosed + 1); index <= current; index++)
            {
                var bucket = _buckets[index % _buckets.Length];
                lock (bucket.Gate)
                {
                    // A slot that still holds an older slice (nothing was recorded since) is not part of the window.
                    if (bucket.Index == index)
                    {
                        bucket.AddTo(open);
                    }
                }
            }
            var openEdges = open.ToDictionary(pair => pair.Key, pair => pair.Value.ToSummary());
            return TopologyViewBuilder.Build(closed.Edges, openEdges, now, window, seconds, thresholds);
        }
    }

    /// <summary>
    /// Each edge's calls in the buckets of the UTC minute starting at <paramref name="minuteStart"/>, sorted by
    /// edge, to be stored and merged again with <see cref="Rollups.Merge"/>. It holds what has arrived so far:
    /// calls come in a few seconds late, and later still when a host buffered them, so a minute is best read
    /// once it is well over. Buckets older than the retention are gone, and so are the minute's calls in them.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="minuteStart"/> is not a whole UTC minute, or the bucket width does not divide a minute.</exception>
    public IReadOnlyList<EdgeMinute> Minute(DateTimeOffset minuteStart)
    {
        if (TimeSpan.TicksPerMinute % _bucketTicks != 0)
        {
            throw new ArgumentException(
                $"Minutes are made of whole buckets, and buckets of {TimeSpan.FromTicks(_bucketTicks)} do not divide a minute.", nameof(minuteStart));
        }
        if (minuteStart.UtcTicks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentException($"A minute must start on a whole UTC minute (was {minuteStart:O}).", nameof(minuteStart));
        }

        var current = BucketIndex(_time.GetUtcNow());
        var first = BucketIndex(minuteStart);
        var last = first + (TimeSpan.TicksPerMinute / _bucketTicks) - 1;
        // A slot nothing was recorded into since keeps its old slice past the retention: never read one.
        var oldestKept = current - _buckets.Length + 1;
        var merged = Merge(Math.Max(first, oldestKept), Math.Min(last, current), current);

        var minute = minuteStart.ToUniversalTime();
        var minutes = merged
            .Select(pair => (pair.Key, Summary: pair.Value.ToSummary()))
            .Select(edge => new EdgeMinute(edge.Key, minute, edge.Summary.Count, edge.Summary.Errors, edge.Summary.Denied, edge.Summary.Latencies.ToSamples()))
            .ToList();
        minutes.Sort(static (a, b) => TopologyViewBuilder.CompareEdges(a.Key, b.Key));
        return minutes;
    }

    /// <summary>The edges' calls over buckets <paramref name="first"/> to <paramref name="last"/>, compacting those closed by <paramref name="current"/>.</summary>
    private Dictionary<EdgeKey, EdgeTally> Merge(long first, long last, long current)
    {
        var merged = new Dictionary<EdgeKey, EdgeTally>();
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
                if (index <= current - 2)
                {
                    bucket.Compact();
                }
                bucket.AddTo(merged);
            }
        }
        return merged;
    }

    /// <summary>
    /// Seals bucket <paramref name="index"/> for a window's cache, folding in its late calls, and returns its
    /// calls; null when its slot already holds a later slice (it is past the retention). A slot still holding an
    /// older slice — nothing was recorded for this one yet — is taken for it, empty and sealed, so that a call
    /// still to come for it counts as late and is seen by the next read.
    /// </summary>
    private Dictionary<EdgeKey, EdgeCounts>? Seal(long index)
    {
        var bucket = _buckets[index % _buckets.Length];
        lock (bucket.Gate)
        {
            if (bucket.Index > index)
            {
                return null;
            }
            if (bucket.Index < index)
            {
                bucket.Reset(index);
            }
            bucket.Seal();
            bucket.FoldLate();
            return bucket.Edges;
        }
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

    /// <summary>The buckets in <paramref name="window"/>, which must be a whole number of them up to the retention.</summary>
    private int WindowBuckets(TimeSpan window)
    {
        if (window <= TimeSpan.Zero || window.Ticks > _retentionTicks || window.Ticks % _bucketTicks != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(window), window, $"A window must be a whole number of {TimeSpan.FromTicks(_bucketTicks)} buckets, at most {TimeSpan.FromTicks(_retentionTicks)}.");
        }
        return (int)(window.Ticks / _bucketTicks);
    }

    private long BucketIndex(DateTimeOffset at) => at.UtcTicks / _bucketTicks;
}
