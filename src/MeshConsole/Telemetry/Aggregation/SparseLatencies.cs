using HdrHistogram;

namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// Calls per quantized latency (microseconds, see <see cref="LatencyHistogram.Quantize"/>): a hash map while
/// a bucket is written, then <see cref="Compact"/>ed into two sorted arrays — 12 bytes a distinct value
/// instead of ~30 — for the hour it is kept. A late call for a compacted bucket reopens the map. Not thread-safe.
/// </summary>
internal sealed class SparseLatencies
{
    private Dictionary<int, long>? _open;
    private int[] _values = [];
    private long[] _counts = [];

    public bool IsOpen => _open is not null;

    public void Add(int micros, long count)
    {
        _open ??= [];
        _open[micros] = _open.GetValueOrDefault(micros) + count;
    }

    public void AddFrom(SparseLatencies other)
    {
        for (var i = 0; i < other._values.Length; i++)
        {
            Add(other._values[i], other._counts[i]);
        }
        if (other._open is not null)
        {
            foreach (var (micros, count) in other._open)
            {
                Add(micros, count);
            }
        }
    }

    public void RecordInto(LongHistogram histogram)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            histogram.RecordValueWithCount(_values[i], _counts[i]);
        }
        if (_open is not null)
        {
            foreach (var (micros, count) in _open)
            {
                histogram.RecordValueWithCount(micros, count);
            }
        }
    }

    /// <summary>The calls per value, ascending and distinct (compacts first).</summary>
    public LatencySample[] ToSamples()
    {
        Compact();
        var samples = new LatencySample[_values.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = new LatencySample(TimeSpan.FromMicroseconds(_values[i]), _counts[i]);
        }
        return samples;
    }

    public void Compact()
    {
        if (_open is null)
        {
            return;
        }
        for (var i = 0; i < _values.Length; i++)
        {
            _open[_values[i]] = _open.GetValueOrDefault(_values[i]) + _counts[i];
        }
        var values = new int[_open.Count];
        var counts = new long[_open.Count];
        _open.Keys.CopyTo(values, 0);
        Array.Sort(values);
        for (var i = 0; i < values.Length; i++)
        {
            counts[i] = _open[values[i]];
        }
        (_values, _counts, _open) = (values, counts, null);
    }
}
