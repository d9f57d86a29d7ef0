using GraphShape.Algorithms.Layout;
using QuikGraph;

namespace MeshConsole.Topology;

/// <summary>
/// Layered placement of services, requests flowing left to right (GraphShape's Sugiyama). Positions are
/// the top-left corners of the nodes, in diagram units, with the graph starting at (<see cref="Margin"/>, <see cref="Margin"/>).
/// </summary>
public static class GraphLayout
{
    public const double Margin = 40;
    private const double LayerGap = 120;
    private const double SliceGap = 36;

    /// <summary>Positions for every node of the graph.</summary>
    public static IReadOnlyDictionary<string, LayoutPoint> Layout(IReadOnlyDictionary<string, LayoutSize> nodes, IEnumerable<(string Source, string Destination)> edges)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(edges);
        if (nodes.Count == 0)
            return new Dictionary<string, LayoutPoint>(StringComparer.Ordinal);

        var graph = new BidirectionalGraph<string, Edge<string>>(allowParallelEdges: false);
        graph.AddVertexRange(nodes.Keys.Order(StringComparer.Ordinal));
        // Self-calls and a second protocol between the same pair add nothing to the layering.
        foreach (var (source, destination) in edges.Distinct())
        {
            if (source != destination && nodes.ContainsKey(source) && nodes.ContainsKey(destination))
                graph.AddEdge(new Edge<string>(source, destination));
        }

        var sizes = nodes.ToDictionary(n => n.Key, n => new GraphShape.Size(n.Value.Width, n.Value.Height), StringComparer.Ordinal);
        var algorithm = new SugiyamaLayoutAlgorithm<string, Edge<string>, BidirectionalGraph<string, Edge<string>>>(
            graph,
            sizes,
            new SugiyamaLayoutParameters { Direction = LayoutDirection.LeftToRight, LayerGap = LayerGap, SliceGap = SliceGap });
        algorithm.Compute();

        // GraphShape places centres; the diagram places corners. Shift the whole so it starts at the margin.
        var corners = algorithm.VerticesPositions.ToDictionary(
            p => p.Key,
            p => new LayoutPoint(p.Value.X - (nodes[p.Key].Width / 2), p.Value.Y - (nodes[p.Key].Height / 2)),
            StringComparer.Ordinal);
        var left = corners.Values.Min(p => p.X);
        var top = corners.Values.Min(p => p.Y);
        return corners.ToDictionary(p => p.Key, p => new LayoutPoint(p.Value.X - left + Margin, p.Value.Y - top + Margin), StringComparer.Ordinal);
    }

    /// <summary>
    /// Places <paramref name="added"/> nodes among nodes that keep their <paramref name="placed"/> positions (the
    /// user may have dragged them), so the graph the user is looking at does not move: a new node goes one
    /// layer right of the nodes that call it, or else one layer left of the nodes it calls, level with them,
    /// at the first free place down from there; a node with no placed neighbour takes its place in the layered
    /// layout of the whole graph.
    /// </summary>
    public static IReadOnlyDictionary<string, LayoutPoint> Place(
        IReadOnlyDictionary<string, (LayoutPoint Position, LayoutSize Size)> placed,
        IReadOnlyDictionary<string, LayoutSize> added,
        IEnumerable<(string Source, string Destination)> edges)
    {
        ArgumentNullException.ThrowIfNull(placed);
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(edges);
        var links = edges.Where(e => e.Source != e.Destination).Distinct().ToList();
        if (placed.Count == 0)
            return Layout(added, links);

        var all = placed.ToDictionary(p => p.Key, p => p.Value.Size, StringComparer.Ordinal);
        foreach (var (name, size) in added)
            all[name] = size;
        var ideal = Layout(all, links);

        var known = placed.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var taken = placed.Values.Select(p => Rect(p.Position, p.Size)).ToList();
        var result = new Dictionary<string, LayoutPoint>(StringComparer.Ordinal);
        var remaining = added.Keys.ToHashSet(StringComparer.Ordinal);
        while (remaining.Count > 0)
        {
            // Nodes next to what is already placed go first, so a chain of new nodes grows from the graph outwards.
            var name = remaining
                .OrderByDescending(n => links.Count(l => (l.Source == n && known.ContainsKey(l.Destination)) || (l.Destination == n && known.ContainsKey(l.Source))))
                .ThenBy(n => ideal[n].X).ThenBy(n => ideal[n].Y).ThenBy(n => n, StringComparer.Ordinal)
                .First();
            var size = added[name];
            var callers = links.Where(l => l.Destination == name && known.ContainsKey(l.Source)).Select(l => known[l.Source]).ToList();
            var callees = links.Where(l => l.Source == name && known.ContainsKey(l.Destination)).Select(l => known[l.Destination]).ToList();
            var at = callers.Count > 0
                ? new LayoutPoint(callers.Max(c => c.Position.X + c.Size.Width) + LayerGap, callers.Min(c => c.Position.Y))
                : callees.Count > 0
                    ? new LayoutPoint(callees.Min(c => c.Position.X) - LayerGap - size.Width, callees.Min(c => c.Position.Y))
                    : ideal[name];
            while (taken.Any(r => r.Overlaps(Rect(at, size))))
                at = at with { Y = taken.Where(r => r.Overlaps(Rect(at, size))).Max(r => r.Bottom) + SliceGap };

            result[name] = at;
            known[name] = (at, size);
            taken.Add(Rect(at, size));
            remaining.Remove(name);
        }
        return result;
    }

    private static Box Rect(LayoutPoint at, LayoutSize size) => new(at.X, at.Y, at.X + size.Width, at.Y + size.Height);

    private readonly record struct Box(double Left, double Top, double Right, double Bottom)
    {
        public bool Overlaps(Box other) =>
            Left < other.Right + SliceGap && other.Left < Right + SliceGap && Top < other.Bottom + SliceGap && other.Top < Bottom + SliceGap;
    }
}

public readonly record struct LayoutPoint(double X, double Y);

public readonly record struct LayoutSize(double Width, double Height);
