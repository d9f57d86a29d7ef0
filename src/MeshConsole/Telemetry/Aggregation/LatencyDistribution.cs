namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// Calls per quantized latency (see <see cref="LatencyHistogram.Quantize"/>), as distinct ascending values
/// with the running count of calls at or below each: what a quantile needs, found by binary search
/// (<see cref="LatencyHistogram.ValueAtPercentile"/>). Immutable: a change makes a new one
/// (<see cref="With"/>), so a view can merge a cached one with fresh calls without touching it.
/// </summary>
internal sealed class LatencyDistribution
{
    public static readonly LatencyDistribution Empty = new([], [], 0);

    // Only the first _length entries count: arrays made for a merge are not trimmed to what it left (a copy
    // of a whole hour of values, for the few a bucket sliding out of a window takes away).
    private readonly int[] _values;
    private readonly long[] _cumulative;
    private readonly int _length;

    private LatencyDistribution(int[] values, long[] cumulative, int length) => (_values, _cumulative, _length) = (values, cumulative, length);

    /// <summary>Distinct values held.</summary>
    public int Length => _length;

    /// <summary>Calls held.</summary>
    public long Total => _length == 0 ? 0 : _cumulative[_length - 1];

    public int ValueAt(int i) => _values[i];

    /// <summary>Calls at or below the <paramref name="i"/>th value.</summary>
    public long CumulativeAt(int i) => _cumulative[i];

    /// <summary>Calls at or below <paramref name="value"/>.</summary>
    public long CountAtOrBelow(long value)
    {
        // The last index whose value is at most the one asked for.
        int lo = 0, hi = _length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_values[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo == 0 ? 0 : _cumulative[lo - 1];
    }

    /// <summary>The calls per value, ascending.</summary>
    public LatencySample[] ToSamples()
    {
        var samples = new LatencySample[_length];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = new LatencySample(TimeSpan.FromMicroseconds(_values[i]), CountAt(i));
        }
        return samples;
    }

    /// <summary>The calls per value of <paramref name="counts"/> (values with no calls are left out).</summary>
    public static LatencyDistribution From(Dictionary<int, long> counts) => Empty.With(counts);

    /// <summary>
    /// This distribution with <paramref name="delta"/> added, value by value; a negative count takes calls away
    /// (a bucket leaving a window), and a value left with none is dropped.
    /// </summary>
    public LatencyDistribution With(Dictionary<int, long> delta)
    {
        if (delta.Count == 0)
        {
            return this;
        }
        var keys = new int[delta.Count];
        delta.Keys.CopyTo(keys, 0);
        Array.Sort(keys);

        var values = new int[_length + keys.Length];
        var cumulative = new long[values.Length];
        var (i, j, n, running) = (0, 0, 0, 0L);
        while (i < _length || j < keys.Length)
        {
            int value;
            long count;
            if (j == keys.Length || (i < _length && _values[i] < keys[j]))
            {
                (value, count) = (_values[i], CountAt(i));
                i++;
            }
            else if (i == _length || keys[j] < _values[i])
            {
                (value, count) = (keys[j], delta[keys[j]]);
                j++;
            }
            else
            {
                (value, count) = (_values[i], CountAt(i) + delta[keys[j]]);
                i++;
                j++;
            }
            // Never below zero when the bookkeeping is right: a value can only be taken away after it was added.
            if (count > 0)
            {
                running += count;
                (values[n], cumulative[n]) = (value, running);
                n++;
            }
        }
        return n == 0 ? Empty : new LatencyDistribution(values, cumulative, n);
    }

    private long CountAt(int i) => i == 0 ? _cumulative[0] : _cumulative[i] - _cumulative[i - 1];
}
