namespace MeshConsole.Telemetry.Aggregation;

/// <summary>The subsets of <paramref name="Service"/> called over <paramref name="Window"/> up to <paramref name="At"/>, by name.</summary>
public sealed record SubsetView(string Service, DateTimeOffset At, TimeSpan Window, IReadOnlyList<SubsetStats> Subsets)
{
    /// <summary>The figures of <paramref name="subset"/>, or null when none of its calls is in the window.</summary>
    public SubsetStats? Find(string subset) => Subsets.FirstOrDefault(s => string.Equals(s.Subset, subset, StringComparison.Ordinal));
}

/// <summary>
/// One subset over the window. <paramref name="SharePercent"/> is its part of the service's calls that had
/// a subset (100 × its requests / theirs): the observed split. Latency quantiles are in milliseconds and
/// null when no call carried a latency.
/// </summary>
public sealed record SubsetStats(
    string Subset,
    long Requests,
    long Errors,
    double RequestsPerSecond,
    double ErrorPercent,
    double SharePercent,
    double? P50Milliseconds,
    double? P99Milliseconds);
