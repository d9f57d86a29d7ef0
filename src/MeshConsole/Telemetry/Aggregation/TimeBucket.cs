namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// One slot of the aggregator's ring: the calls of one bucket-wide slice of time, per edge. The slot is
/// reused for a later slice once the ring comes round; <see cref="Index"/> tells which slice it holds.
/// A closed bucket is <see cref="Seal"/>ed when a window's cache takes it in: from then on its
/// <see cref="Edges"/> dictionary and what it holds are never changed again — caches keep references to them
/// and read them without the lock — and calls still arriving for the slice (stragglers) go to
/// <see cref="Late"/>, until <see cref="FoldLate"/> makes a new dictionary of both.
/// Everything else here is guarded by <see cref="Gate"/>.
/// </summary>
internal sealed class TimeBucket
{
    private bool _open;

    public Lock Gate { get; } = new();

    public long Index { get; private set; } = long.MinValue;

    public Dictionary<EdgeKey, EdgeCounts> Edges { get; private set; } = [];

    /// <summary>Calls recorded since the bucket was sealed and not yet folded into <see cref="Edges"/>.</summary>
    public Dictionary<EdgeKey, EdgeCounts>? Late { get; private set; }

    public bool IsSealed { get; private set; }

    public void Reset(long index)
    {
        Index = index;
        Edges = [];
        Late = null;
        IsSealed = false;
        _open = false;
    }

    /// <summary>Adds the calls; true when the bucket was sealed, so that they went to <see cref="Late"/>.</summary>
    public bool Add(Observation observation)
    {
        var edges = IsSealed ? Late ??= [] : Edges;
        if (!edges.TryGetValue(observation.Key, out var counts))
        {
            edges[observation.Key] = counts = new EdgeCounts();
        }
        counts.Add(observation);
        _open |= counts.Latencies.IsOpen;
        return IsSealed;
    }

    /// <summary>Adds every edge's calls, late ones included, to <paramref name="tallies"/>.</summary>
    public void AddTo(Dictionary<EdgeKey, EdgeTally> tallies)
    {
        foreach (var edges in (ReadOnlySpan<Dictionary<EdgeKey, EdgeCounts>?>)[Edges, Late])
        {
            foreach (var (key, counts) in edges ?? [])
            {
                EdgeTally.Add(tallies, key, counts, 1);
            }
        }
    }

    /// <summary>Adds the calls of the edges <paramref name="include"/> selects, late ones included, to <paramref name="total"/>.</summary>
    public void AddTo(EdgeTally total, Func<EdgeKey, bool> include)
    {
        foreach (var edges in (ReadOnlySpan<Dictionary<EdgeKey, EdgeCounts>?>)[Edges, Late])
        {
            foreach (var (key, counts) in edges ?? [])
            {
                if (include(key))
                {
                    total.Add(counts, 1);
                }
            }
        }
    }

    /// <summary>Shrinks the latencies of a bucket no longer written to (see <see cref="SparseLatencies"/>).</summary>
    public void Compact()
    {
        if (!_open)
        {
            return;
        }
        // A sealed bucket's edges are compact already and must not change: only late calls are left to shrink.
        if ((IsSealed ? Late : Edges) is { } edges)
        {
            foreach (var counts in edges.Values)
            {
                counts.Latencies.Compact();
            }
        }
        if (!IsSealed)
        {
            Edges.TrimExcess();
        }
        _open = false;
    }

    /// <summary>Compacts the bucket and freezes <see cref="Edges"/>: later calls go to <see cref="Late"/>.</summary>
    public void Seal()
    {
        if (!IsSealed)
        {
            Compact();
            IsSealed = true;
        }
    }

    /// <summary>
    /// Folds the late calls of a sealed bucket into a new <see cref="Edges"/> dictionary, which shares every edge
    /// they did not touch with the old one and holds a new, summed object for every edge they did. The old
    /// dictionary and its objects stay as they were, for the caches that still hold them. False when there was nothing to fold.
    /// </summary>
    public bool FoldLate()
    {
        if (!IsSealed || Late is null)
        {
            return false;
        }
        var edges = new Dictionary<EdgeKey, EdgeCounts>(Edges);
        foreach (var (key, late) in Late)
        {
            late.Latencies.Compact();
            edges[key] = Edges.TryGetValue(key, out var sealedCounts) ? EdgeCounts.Sum(sealedCounts, late) : late;
        }
        (Edges, Late) = (edges, null);
        return true;
    }
}
