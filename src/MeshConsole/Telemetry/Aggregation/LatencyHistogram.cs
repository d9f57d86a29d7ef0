using HdrHistogram;

namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// The HdrHistogram shape every latency goes through: microseconds, up to 10 minutes, 3 significant
/// digits (0.1 % resolution). A <see cref="LongHistogram"/> of that shape holds ~21,000 counters
/// (~170 KB), too much for every edge in every 10-second bucket, so buckets keep the
/// <see cref="Quantize"/>d values sparsely (<see cref="SparseLatencies"/>); recording those into one
/// histogram at snapshot time gives the same counts, and so the same quantiles, as recording every value.
/// </summary>
internal static class LatencyHistogram
{
    public const long HighestTrackableMicroseconds = 600_000_000;
    public const int SignificantDigits = 3;

    // Used only for LowestEquivalentValue, which reads the shape and never the counts: safe to share.
    private static readonly LongHistogram _shape = Create();

    public static LongHistogram Create() => new(HighestTrackableMicroseconds, SignificantDigits);

    /// <summary>
    /// The value HdrHistogram would file <paramref name="duration"/> under, in microseconds, clamped to the
    /// trackable range (which fits an int).
    /// </summary>
    public static int Quantize(TimeSpan duration)
    {
        var micros = Math.Clamp((duration.Ticks + 5) / 10, 0, HighestTrackableMicroseconds);
        return (int)_shape.LowestEquivalentValue(micros);
    }

    /// <summary>Fills <paramref name="histogram"/> (reset first) with the edge's latencies and reads p50, p95 and p99 in milliseconds.</summary>
    public static (double P50, double P95, double P99)? Quantiles(LongHistogram histogram, EdgeCounts counts)
    {
        if (!counts.HasLatencies)
        {
            return null;
        }
        histogram.Reset();
        counts.Latencies.RecordInto(histogram);
        return (Millis(histogram, 50), Millis(histogram, 95), Millis(histogram, 99));
    }

    private static double Millis(LongHistogram histogram, double percentile) =>
        histogram.GetValueAtPercentile(percentile) / 1000.0;
}
