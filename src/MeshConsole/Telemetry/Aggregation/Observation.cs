using System.Diagnostics.CodeAnalysis;

namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// One or many calls on an edge, as counts since the previous observation of the same source (a delta:
/// a cumulative OTLP stream has to be differenced before it gets here). <see cref="Errors"/> and
/// <see cref="Denied"/> are subsets of <see cref="Count"/>, classified by the caller. Latencies may cover
/// fewer calls than <see cref="Count"/> (none, for <see cref="CountsOnly"/>); quantiles come from those that do.
/// </summary>
public sealed class Observation
{
    private readonly LatencySample[] _latencies;

    private Observation(EdgeKey key, DateTimeOffset timestamp, long count, long errors, long denied, LatencySample[] latencies)
    {
        ArgumentNullException.ThrowIfNull(key.Source, nameof(key));
        ArgumentNullException.ThrowIfNull(key.Destination, nameof(key));
        ArgumentNullException.ThrowIfNull(key.Protocol, nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(errors);
        ArgumentOutOfRangeException.ThrowIfNegative(denied);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(errors, count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(denied, count);
        Key = key;
        Timestamp = timestamp;
        Count = count;
        Errors = errors;
        Denied = denied;
        _latencies = latencies;
    }

    public EdgeKey Key { get; }

    /// <summary>When the calls happened; it picks the time bucket (a future one is taken as now).</summary>
    public DateTimeOffset Timestamp { get; }

    public long Count { get; }

    public long Errors { get; }

    public long Denied { get; }

    /// <summary>Latency values with how many calls took each; their counts add up to at most <see cref="Count"/>.</summary>
    public IReadOnlyList<LatencySample> Latencies => _latencies;

    /// <summary>One call, e.g. from a span.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "One call, not System.Single; the name reads right at call sites.")]
    public static Observation Single(EdgeKey key, DateTimeOffset at, TimeSpan duration, bool isError, bool isDenied)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return new(key, at, 1, isError ? 1 : 0, isDenied ? 1 : 0, [new LatencySample(duration, 1)]);
    }

    /// <summary>Several calls with their individual durations.</summary>
    public static Observation Many(EdgeKey key, DateTimeOffset at, IReadOnlyCollection<TimeSpan> durations, long errors, long denied)
    {
        ArgumentNullException.ThrowIfNull(durations);
        var latencies = new LatencySample[durations.Count];
        var i = 0;
        foreach (var duration in durations)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero, nameof(durations));
            latencies[i++] = new LatencySample(duration, 1);
        }
        return new(key, at, latencies.Length, errors, denied, latencies);
    }

    /// <summary>Calls counted without their latency (a counter, or a histogram that has no buckets).</summary>
    public static Observation CountsOnly(EdgeKey key, DateTimeOffset at, long count, long errors, long denied) =>
        new(key, at, count, errors, denied, []);

    /// <summary>
    /// An OTLP explicit-bucket histogram data point (delta): <paramref name="explicitBoundsSeconds"/> are the
    /// upper bounds, and <paramref name="bucketCounts"/> has one more entry than them, as the protocol says
    /// (bucket i holds values in (bound[i-1], bound[i]], the last one values above the last bound). The count
    /// is the sum of the bucket counts.
    /// </summary>
    public static Observation Histogram(
        EdgeKey key, DateTimeOffset at, IReadOnlyList<double> explicitBoundsSeconds, IReadOnlyList<long> bucketCounts, long errors, long denied)
    {
        ArgumentNullException.ThrowIfNull(explicitBoundsSeconds);
        ArgumentNullException.ThrowIfNull(bucketCounts);
        if (bucketCounts.Count != explicitBoundsSeconds.Count + 1)
        {
            throw new ArgumentException(
                $"An explicit-bucket histogram has one bucket count more than bounds: {explicitBoundsSeconds.Count} bounds, {bucketCounts.Count} counts.",
                nameof(bucketCounts));
        }
        for (var i = 0; i < explicitBoundsSeconds.Count; i++)
        {
            if (!double.IsFinite(explicitBoundsSeconds[i]) || (i > 0 && explicitBoundsSeconds[i] <= explicitBoundsSeconds[i - 1]))
            {
                throw new ArgumentException("Histogram bounds must be finite and strictly increasing.", nameof(explicitBoundsSeconds));
            }
        }

        var count = 0L;
        var latencies = new List<LatencySample>();
        for (var i = 0; i < bucketCounts.Count; i++)
        {
            var n = bucketCounts[i];
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(bucketCounts));
            count = checked(count + n);
            if (n == 0 || explicitBoundsSeconds.Count == 0)
            {
                continue;
            }
            // Each bucket is recorded at its upper bound, the overflow bucket at the last bound. The upper bound
            // is all the data point promises ("took at most this"), so quantiles err towards slower and never
            // hide a latency regression; a midpoint would need a lower bound the first bucket lacks (it starts at
            // minus infinity) and a width the overflow bucket lacks. With no bounds there is no latency at all.
            var upperSeconds = explicitBoundsSeconds[Math.Min(i, explicitBoundsSeconds.Count - 1)];
            latencies.Add(new LatencySample(SecondsToDuration(upperSeconds), n));
        }
        return new(key, at, count, errors, denied, [.. latencies]);
    }

    /// <summary>
    /// Calls already summarised elsewhere (another console replica): counts with latency values and how many
    /// calls took each, which add up to at most <paramref name="count"/>.
    /// </summary>
    public static Observation Summarised(EdgeKey key, DateTimeOffset at, long count, long errors, long denied, IReadOnlyList<LatencySample> latencies)
    {
        ArgumentNullException.ThrowIfNull(latencies);
        var covered = 0L;
        foreach (var sample in latencies)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(sample.Duration, TimeSpan.Zero, nameof(latencies));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sample.Count, nameof(latencies));
            covered = checked(covered + sample.Count);
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(covered, count, nameof(latencies));
        return new(key, at, count, errors, denied, [.. latencies]);
    }

    /// <summary>The same calls under another key; the latencies are shared, as neither copy changes them.</summary>
    internal Observation WithKey(EdgeKey key) => new(key, Timestamp, Count, Errors, Denied, _latencies);

    private static TimeSpan SecondsToDuration(double seconds) =>
        seconds <= 0 ? TimeSpan.Zero
        : seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue
        : TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
}

/// <summary><paramref name="Count"/> calls that took <paramref name="Duration"/> each.</summary>
public readonly record struct LatencySample(TimeSpan Duration, long Count);
