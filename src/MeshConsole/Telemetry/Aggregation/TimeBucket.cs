namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// One slot of the aggregator's ring: the calls of one bucket-wide slice of time, per edge. The slot is
/// reused for a later slice once the ring comes round; <see cref="Index"/> tells which slice it holds.
/// Everything here is guarded by <see cref="Gate"/>.
/// </summary>
internal sealed class TimeBucket
{
    private bool _open;

    public Lock Gate { get; } = new();

    public long Index { get; private set; } = long.MinValue;

    public Dictionary<EdgeKey, EdgeCounts> Edges { get; private set; } = [];

    public void Reset(long index)
    {
        Index = index;
        Edges = [];
        _open = false;
    }

    public void Add(Observation observation)
    {
        if (!Edges.TryGetValue(observation.Key, out var counts))
        {
            Edges[observation.Key] = counts = new EdgeCounts();
        }
        counts.Add(observation);
        _open |= counts.Latencies.IsOpen;
    }

    /// <summary>Shrinks the latencies of a bucket no longer written to (see <see cref="SparseLatencies"/>).</summary>
    public void Compact()
    {
        if (!_open)
        {
            return;
        }
        foreach (var counts in Edges.Values)
        {
            counts.Latencies.Compact();
        }
        Edges.TrimExcess();
        _open = false;
    }
}

/// <summary>Counts of one edge, in one bucket or merged over a window. Not thread-safe.</summary>
internal sealed class EdgeCounts
{
    public long Count { get; private set; }

    public long Errors { get; private set; }

    public long Denied { get; private set; }

    public SparseLatencies Latencies { get; } = new();

    public bool HasLatencies { get; private set; }

    public void Add(Observation observation) =>
        Add(observation.Count, observation.Errors, observation.Denied, observation.Latencies);

    /// <summary>
    /// A stored minute: its latencies are already quantized, and quantizing them again changes nothing, so
    /// they count exactly as the calls they came from did.
    /// </summary>
    public void Add(EdgeMinute minute) => Add(minute.Requests, minute.Errors, minute.Denied, minute.Latencies);

    public void Merge(EdgeCounts other)
    {
        Count += other.Count;
        Errors += other.Errors;
        Denied += other.Denied;
        if (other.HasLatencies)
        {
            Latencies.AddFrom(other.Latencies);
            HasLatencies = true;
        }
    }

    private void Add(long count, long errors, long denied, IReadOnlyList<LatencySample> latencies)
    {
        Count += count;
        Errors += errors;
        Denied += denied;
        foreach (var sample in latencies)
        {
            if (sample.Count > 0)
            {
                Latencies.Add(LatencyHistogram.Quantize(sample.Duration), sample.Count);
                HasLatencies = true;
            }
        }
    }
}
