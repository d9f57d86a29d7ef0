namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// The last spans of each edge, for drill-down: at most <see cref="SpansPerEdge"/> per edge and
/// <c>maxEdges</c> edges. A new edge past the cap is refused and counted in <see cref="DroppedEdges"/>,
/// unless edges that received nothing for <see cref="IdleAfter"/> can be forgotten to make room.
/// Thread-safe: many writers, and readers get copies.
/// </summary>
public sealed class RecentSpans
{
    public const int DefaultSpansPerEdge = 50;
    public const int DefaultMaxEdges = 10_000;

    /// <summary>How long an edge with no new span keeps its place once the cap is reached: the longest window.</summary>
    public static readonly TimeSpan IdleAfter = AggregationWindows.OneHour;

    // Stamps are 10-second slices of the clock, so that a full map is swept for idle edges at most that often.
    private const long StampTicks = 10 * TimeSpan.TicksPerSecond;

    private readonly TimeProvider _time;
    private readonly BoundedEdgeMap<SpanRing> _edges;
    private readonly Func<EdgeKey, SpanRing> _newRing;

    public RecentSpans(TimeProvider timeProvider, int spansPerEdge = DefaultSpansPerEdge, int maxEdges = DefaultMaxEdges)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(spansPerEdge, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEdges, 1);
        _time = timeProvider;
        SpansPerEdge = spansPerEdge;
        _edges = new BoundedEdgeMap<SpanRing>(maxEdges);
        _newRing = _ => new SpanRing(spansPerEdge);
    }

    public int SpansPerEdge { get; }

    /// <summary>Spans refused because their edge was new and the edge cap was reached.</summary>
    public long DroppedEdges => _edges.Refused;

    /// <summary>Keeps <paramref name="span"/> as the newest of <paramref name="edge"/>; false when the edge was refused.</summary>
    public bool Add(EdgeKey edge, SpanSummary span)
    {
        ArgumentNullException.ThrowIfNull(span);
        var stamp = _time.GetUtcNow().UtcTicks / StampTicks;
        var idleBefore = stamp - (IdleAfter.Ticks / StampTicks);
        if (!_edges.TryGetOrAdd(edge, stamp, idleBefore, _newRing, out var ring))
        {
            return false;
        }
        ring.Add(span);
        return true;
    }

    /// <summary>The edge's kept spans, oldest first (in the order they were added); empty for an unknown edge.</summary>
    public IReadOnlyList<SpanSummary> Get(EdgeKey edge) =>
        _edges.TryGetValue(edge, out var ring) ? ring.ToArray() : [];
}
