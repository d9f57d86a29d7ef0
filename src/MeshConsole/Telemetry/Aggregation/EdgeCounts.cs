namespace MeshConsole.Telemetry.Aggregation;

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

    /// <summary>A new, compacted edge holding the calls of both, which are left as they are.</summary>
    public static EdgeCounts Sum(EdgeCounts a, EdgeCounts b)
    {
        var sum = new EdgeCounts();
        sum.Merge(a);
        sum.Merge(b);
        sum.Latencies.Compact();
        return sum;
    }

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

    /// <summary>The same calls, as a view reads them.</summary>
    public EdgeSummary ToSummary()
    {
        var latencies = new Dictionary<int, long>();
        Latencies.AddTo(latencies, 1);
        return new EdgeSummary(Count, Errors, Denied, LatencyDistribution.From(latencies));
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
