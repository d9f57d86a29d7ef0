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

    /// <summary>Adds the calls per value to <paramref name="target"/>, times <paramref name="sign"/> (-1 takes them away).</summary>
    public void AddTo(Dictionary<int, long> target, long sign)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            target[_values[i]] = target.GetValueOrDefault(_values[i]) + (sign * _counts[i]);
        }
        if (_open is not null)
        {
            foreach (var (micros, count) in _open)
            {
                target[micros] = target.GetValueOrDefault(micros) + (sign * count);
            }
        }
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
