namespace MeshConsole.Telemetry.Aggregation;

public sealed class TopologyAggregatorOptions
{
    /// <summary>Resolution of the sliding windows: data leaves a window one bucket at a time.</summary>
    public TimeSpan BucketWidth { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest window served; older buckets are dropped.</summary>
    public TimeSpan Retention { get; set; } = AggregationWindows.OneHour;

    /// <summary>Distinct edges kept at once; observations of further new edges are refused and counted.</summary>
    public int MaxEdges { get; set; } = 10_000;

    /// <summary>Thresholds used by <see cref="TopologyAggregator.Snapshot(TimeSpan)"/>.</summary>
    public HealthThresholds Health { get; set; } = new();

    /// <summary>What is wrong with these options, one message each naming the setting; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (BucketWidth < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{nameof(BucketWidth)} must be at least 1 second (was {BucketWidth}).");
        }
        else if (Retention < BucketWidth || Retention.Ticks % BucketWidth.Ticks != 0)
        {
            errors.Add($"{nameof(Retention)} must be a whole number of {nameof(BucketWidth)}s (was {Retention} with buckets of {BucketWidth}).");
        }
        else if (Retention.Ticks / BucketWidth.Ticks > 100_000)
        {
            errors.Add($"{nameof(Retention)} / {nameof(BucketWidth)} must be at most 100,000 buckets (was {Retention.Ticks / BucketWidth.Ticks}).");
        }
        if (MaxEdges < 1)
        {
            errors.Add($"{nameof(MaxEdges)} must be at least 1 (was {MaxEdges}).");
        }
        if (Health is null)
        {
            errors.Add($"{nameof(Health)} is required.");
        }
        else
        {
            errors.AddRange(Health.Validate().Select(e => $"{nameof(Health)}:{e}"));
        }
        return errors;
    }
}
