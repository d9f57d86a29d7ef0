using HdrHistogram;

namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// The HdrHistogram shape every latency goes through: microseconds, up to 10 minutes, 3 significant
/// digits (0.1 % resolution). A <see cref="LongHistogram"/> of that shape holds ~21,000 counters
/// (~170 KB), too much for every edge in every 10-second bucket, so buckets keep the
/// <see cref="Quantize"/>d values sparsely (<see cref="SparseLatencies"/>) and views read quantiles from
/// them with <see cref="ValueAtPercentile"/>, which answers what <see cref="HistogramBase.GetValueAtPercentile"/>
/// answers for a histogram holding the same calls, without filling (and clearing) one per edge.
/// </summary>
internal static class LatencyHistogram
{
    public const long HighestTrackableMicroseconds = 600_000_000;
    public const int SignificantDigits = 3;

    // Used only for the equivalent-value functions, which read the shape and never the counts: safe to share.
    private static readonly LongHistogram _shape = new(HighestTrackableMicroseconds, SignificantDigits);

    /// <summary>
    /// The value HdrHistogram would file <paramref name="duration"/> under, in microseconds, clamped to the
    /// trackable range (which fits an int).
    /// </summary>
    public static int Quantize(TimeSpan duration)
    {
        var micros = Math.Clamp((duration.Ticks + 5) / 10, 0, HighestTrackableMicroseconds);
        return (int)_shape.LowestEquivalentValue(micros);
    }

    /// <summary>p50, p95 and p99 in milliseconds of the calls of <paramref name="a"/> and <paramref name="b"/> together; null when they hold none.</summary>
    public static (double P50, double P95, double P99)? Quantiles(LatencyDistribution a, LatencyDistribution b) =>
        a.Total + b.Total == 0
            ? null
            : (ValueAtPercentile(50, a, b) / 1000.0, ValueAtPercentile(95, a, b) / 1000.0, ValueAtPercentile(99, a, b) / 1000.0);

    /// <summary>
    /// HdrHistogram's <see cref="HistogramBase.GetValueAtPercentile"/> over the calls of <paramref name="a"/> and
    /// <paramref name="b"/> together, in microseconds: the highest value equivalent to the lowest recorded value
    /// at or below which the percentile's share of the calls (rounded to the nearest call, at least one) lies.
    /// Every value held is already quantized, so each stands for exactly one of the histogram's counters and
    /// their order is the counters' order; the two need not be merged, as the count at or below any value is
    /// the sum of both, found by binary search.
    /// </summary>
    public static long ValueAtPercentile(double percentile, LatencyDistribution a, LatencyDistribution b)
    {
        var total = a.Total + b.Total;
        if (total == 0)
        {
            throw new ArgumentException("No call to take a percentile of.", nameof(a));
        }
        // HdrHistogram's own arithmetic, so that a rounding never differs.
        var requested = Math.Min(percentile, 100.0);
        var target = Math.Max((long)((requested / 100.0 * total) + 0.5), 1);
        var value = Math.Min(LowestReaching(a, b, target), LowestReaching(b, a, target));
        return _shape.HighestEquivalentValue(value);
    }

    /// <summary>The lowest value of <paramref name="part"/> at or below which both hold <paramref name="target"/> calls or more; long.MaxValue if none.</summary>
    private static long LowestReaching(LatencyDistribution part, LatencyDistribution other, long target)
    {
        // The count at or below a value only grows with the value: the first index that reaches the target.
        int lo = 0, hi = part.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (part.CumulativeAt(mid) + other.CountAtOrBelow(part.ValueAt(mid)) >= target)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo < part.Length ? part.ValueAt(lo) : long.MaxValue;
    }
}
