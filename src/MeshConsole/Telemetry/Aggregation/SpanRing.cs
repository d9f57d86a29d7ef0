namespace MeshConsole.Telemetry.Aggregation;

/// <summary>The last <c>capacity</c> spans of one edge, oldest overwritten first.</summary>
internal sealed class SpanRing(int capacity)
{
    private readonly Lock _gate = new();
    private readonly SpanSummary[] _items = new SpanSummary[capacity];
    private int _next;
    private int _count;

    public void Add(SpanSummary span)
    {
        lock (_gate)
        {
            _items[_next] = span;
            _next = (_next + 1) % _items.Length;
            _count = Math.Min(_count + 1, _items.Length);
        }
    }

    /// <summary>A copy, oldest first.</summary>
    public SpanSummary[] ToArray()
    {
        lock (_gate)
        {
            var result = new SpanSummary[_count];
            var start = (_next - _count + _items.Length) % _items.Length;
            for (var i = 0; i < _count; i++)
            {
                result[i] = _items[(start + i) % _items.Length];
            }
            return result;
        }
    }
}
