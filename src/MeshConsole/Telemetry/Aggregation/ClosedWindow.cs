namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// The merged calls of one window's closed buckets (two back and older), kept between reads so that a read
/// merges only the one or two open buckets with them. It holds a reference to each sealed bucket dictionary it
/// took in (see <see cref="TimeBucket"/>), which never changes, so that it can take a bucket out again when
/// the window slides past it — adding the new closed bucket and taking the oldest away costs two buckets,
/// not the window — and can tell, by reference, the edges that late calls folded into a bucket changed.
/// Guarded by <see cref="Gate"/>, held across the update and the read of <see cref="Edges"/>.
/// </summary>
internal sealed class ClosedWindow
{
    private readonly Dictionary<EdgeKey, EdgeSummary> _edges = [];
    // By index modulo the window's length: the range held is never longer, so two indexes never share a slot.
    private readonly Dictionary<EdgeKey, EdgeCounts>?[] _held;
    private long _first;
    private long _last = -1;
    private long _lateWrites = -1;

    public ClosedWindow(int buckets) => _held = new Dictionary<EdgeKey, EdgeCounts>?[buckets];

    public Lock Gate { get; } = new();

    /// <summary>Each edge's calls in the buckets held; edges with none are left out.</summary>
    public IReadOnlyDictionary<EdgeKey, EdgeSummary> Edges => _edges;

    /// <summary>
    /// Makes the cache hold buckets <paramref name="first"/> to <paramref name="last"/> (none when
    /// <paramref name="last"/> &lt; <paramref name="first"/>). <paramref name="seal"/> seals a bucket, folds its late
    /// calls and returns its dictionary (null for a slice no longer in the ring). <paramref name="lateWrites"/> is the
    /// aggregator's count of calls recorded into sealed buckets, read before this call: when it has not moved
    /// since the last update no bucket kept has changed, otherwise each is sealed again to fold what came late.
    /// </summary>
    public void Update(long first, long last, long lateWrites, Func<long, Dictionary<EdgeKey, EdgeCounts>?> seal)
    {
        var tallies = new Dictionary<EdgeKey, EdgeTally>();
        var keepFirst = Math.Max(first, _first);
        var keepLast = Math.Min(last, _last);
        var kept = Math.Max(keepLast - keepFirst + 1, 0);
        if (kept == 0 || (_last - _first + 1 - kept) > kept)
        {
            // Taking out more than is kept costs more than starting again.
            _edges.Clear();
            Array.Clear(_held);
            (_first, _last) = (first, first - 1);
            keepFirst = first;
            keepLast = first - 1;
        }
        else
        {
            for (var index = _first; index <= _last; index++)
            {
                if (index < keepFirst || index > keepLast)
                {
                    Take(index, null, tallies);
                }
            }
            if (lateWrites != _lateWrites)
            {
                for (var index = keepFirst; index <= keepLast; index++)
                {
                    Take(index, seal(index), tallies);
                }
            }
        }
        for (var index = first; index <= last; index++)
        {
            if (index < keepFirst || index > keepLast)
            {
                Take(index, seal(index), tallies);
            }
        }
        (_first, _last, _lateWrites) = (first, last, lateWrites);
        Apply(tallies);
    }

    /// <summary>Replaces what is held of bucket <paramref name="index"/> with <paramref name="edges"/>, tallying the difference.</summary>
    private void Take(long index, Dictionary<EdgeKey, EdgeCounts>? edges, Dictionary<EdgeKey, EdgeTally> tallies)
    {
        var slot = (int)(index % _held.Length);
        var held = _held[slot];
        if (ReferenceEquals(held, edges))
        {
            return;
        }
        if (held is not null)
        {
            foreach (var (key, counts) in held)
            {
                // An edge late calls did not touch is the same object in the folded dictionary: nothing changed.
                if (edges is null || !edges.TryGetValue(key, out var now) || !ReferenceEquals(now, counts))
                {
                    EdgeTally.Add(tallies, key, counts, -1);
                }
            }
        }
        if (edges is not null)
        {
            foreach (var (key, counts) in edges)
            {
                if (held is null || !held.TryGetValue(key, out var before) || !ReferenceEquals(before, counts))
                {
                    EdgeTally.Add(tallies, key, counts, 1);
                }
            }
        }
        _held[slot] = edges;
    }

    private void Apply(Dictionary<EdgeKey, EdgeTally> tallies)
    {
        foreach (var (key, tally) in tallies)
        {
            var summary = _edges.TryGetValue(key, out var current) ? current : new EdgeSummary(0, 0, 0, LatencyDistribution.Empty);
            if (tally.ApplyTo(summary) is { } updated)
            {
                _edges[key] = updated;
            }
            else
            {
                _edges.Remove(key);
            }
        }
    }
}
