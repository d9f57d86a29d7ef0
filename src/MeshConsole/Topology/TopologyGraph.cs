using System.Globalization;
using Blazor.Diagrams;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;
using Blazor.Diagrams.Options;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Topology;

/// <summary>
/// The diagram of the mesh, updated in place: each view changes the figures, colours and labels of the
/// nodes and edges already drawn, adds what is new where it fits, and never moves what is there, so pan,
/// zoom, selection and the places the operator dragged nodes to all stay. Not thread-safe: the page calls
/// it from its renderer's context.
/// </summary>
public sealed class TopologyGraph
{
    public const string Idle = "#9e9e9e";
    public const string Green = "#2e7d32";
    public const string Amber = "#ef8f00";
    public const string Red = "#c62828";

    /// <summary>The zoom below which edge labels are left out.</summary>
    public const double DetailZoom = 0.45;

    private readonly Dictionary<string, ServiceNodeModel> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<EdgeKey, EdgeLinkModel> _edges = [];
    private readonly HashSet<string> _provisional = new(StringComparer.Ordinal);
    private HealthThresholds _thresholds = new();
    private bool _detailed = true;

    public TopologyGraph()
    {
        var options = new BlazorDiagramOptions
        {
            AllowMultiSelection = false,
            Zoom = { Minimum = 0.05, Maximum = 3 },
            Links = { DefaultColor = Idle, EnableSnapping = false },
            Virtualization = { Enabled = true },
        };
        Diagram = new BlazorDiagram(options);
        Diagram.RegisterComponent<ServiceNodeModel, ServiceNodeWidget>();
        // A read-only picture of traffic: edges are not drawn or deleted by hand.
        Diagram.UnregisterBehavior<Blazor.Diagrams.Core.Behaviors.DragNewLinkBehavior>();
        Diagram.UnregisterBehavior<Blazor.Diagrams.Core.Behaviors.KeyboardShortcutsBehavior>();
        Diagram.ZoomChanged += ZoomChanged;
    }

    public BlazorDiagram Diagram { get; }

    /// <summary>The operator dragged a node.</summary>
    public event Action? NodeMoved;

    public TopologyDisplay Display { get; private set; } = new();

    public IReadOnlyCollection<ServiceNodeModel> Nodes => _nodes.Values;

    public IReadOnlyCollection<EdgeLinkModel> Edges => _edges.Values;

    public ServiceNodeModel? Node(string service) => _nodes.GetValueOrDefault(service);

    public EdgeLinkModel? Edge(EdgeKey key) => _edges.GetValueOrDefault(key);

    /// <summary>The node or edge the operator selected, if any.</summary>
    public SelectableModel? Selected => Diagram.GetSelectedModels().FirstOrDefault(m => m is ServiceNodeModel or EdgeLinkModel);

    /// <summary>
    /// Shows <paramref name="view"/>: every service in it or in <paramref name="shapes"/> gets a node, every edge
    /// in it a link; edges drawn before and absent now turn idle.
    /// </summary>
    public void Apply(TopologyView view, IReadOnlyDictionary<string, ServiceShape> shapes, HealthThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(shapes);
        _thresholds = thresholds;
        Diagram.Batch(() =>
        {
            AddNodes(view, shapes);
            var stats = view.Nodes.ToDictionary(n => n.Service, StringComparer.Ordinal);
            foreach (var node in _nodes.Values)
            {
                node.Stats = stats.GetValueOrDefault(node.Service);
                node.Shape = shapes.GetValueOrDefault(node.Service);
                if (node.Shown != node.Summary())
                {
                    node.Shown = node.Summary();
                    node.Refresh();
                }
            }

            var seen = new HashSet<EdgeKey>();
            foreach (var edge in view.Edges)
            {
                seen.Add(edge.Key);
                if (!_edges.TryGetValue(edge.Key, out var link))
                {
                    link = new EdgeLinkModel(edge.Key, _nodes[edge.Key.Source], _nodes[edge.Key.Destination])
                    {
                        TargetMarker = LinkMarker.Arrow,
                    };
                    _edges[edge.Key] = link;
                    Diagram.Links.Add(link);
                }
                link.Stats = edge;
            }
            foreach (var (key, link) in _edges)
            {
                if (!seen.Contains(key))
                    link.Stats = null;
                Style(link);
            }
            ApplyVisibility();
        });
    }

    /// <summary>Changes what is shown (filter, idle edges, focus, labels) without touching positions.</summary>
    public void Show(TopologyDisplay display)
    {
        ArgumentNullException.ThrowIfNull(display);
        Display = display;
        Diagram.Batch(() =>
        {
            foreach (var link in _edges.Values)
                Style(link);
            ApplyVisibility();
        });
    }

    /// <summary>Lays the whole graph out afresh, forgetting where nodes were dragged.</summary>
    public void Relayout()
    {
        var positions = GraphLayout.Layout(
            _nodes.Values.ToDictionary(n => n.Service, n => n.NominalSize, StringComparer.Ordinal),
            _edges.Keys.Select(k => (k.Source, k.Destination)));
        Diagram.Batch(() =>
        {
            foreach (var (service, at) in positions)
                _nodes[service].Place(at);
        });
    }

    /// <summary>
    /// Zooms and pans so that the visible graph fills the canvas, never enlarging it past 100 %. False, and
    /// nothing changed, until the browser has measured the canvas and every visible node.
    /// </summary>
    public bool FitToScreen(double margin = 40)
    {
        var nodes = _nodes.Values.Where(n => n.Visible).ToList();
        if (Diagram.Container is not { Width: > 0, Height: > 0 } container || nodes.Count == 0 || nodes.Any(n => n.Size is null))
            return false;

        var left = nodes.Min(n => n.Position.X);
        var top = nodes.Min(n => n.Position.Y);
        var width = nodes.Max(n => n.Position.X + n.Size!.Width) - left;
        var height = nodes.Max(n => n.Position.Y + n.Size!.Height) - top;
        var zoom = Math.Min(1, Math.Min((container.Width - (2 * margin)) / width, (container.Height - (2 * margin)) / height));
        zoom = Math.Max(zoom, Diagram.Options.Zoom.Minimum);
        Diagram.SetZoom(zoom);
        Diagram.SetPan(((container.Width - (width * zoom)) / 2) - (left * zoom), ((container.Height - (height * zoom)) / 2) - (top * zoom));
        return true;
    }

    /// <summary>The colour of a node or edge of that health.</summary>
    public static string Colour(NodeHealth health) => health switch
    {
        NodeHealth.Red => Red,
        NodeHealth.Amber => Amber,
        _ => Green,
    };

    /// <summary>The label of an edge as the display asks for it, e.g. "12.5 rps · p95 8.1 ms · 0.4 % err".</summary>
    public static string Label(EdgeStats stats, TopologyDisplay display)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(display);
        var parts = new List<string>(3);
        if (display.LabelRate)
            parts.Add($"{TopologyFormat.Rate(stats.RequestsPerSecond)} rps");
        if (display.LabelP95 && stats.P95Milliseconds is { } p95)
            parts.Add($"p95 {TopologyFormat.Milliseconds(p95)}");
        if (display.LabelErrors)
            parts.Add($"{TopologyFormat.Percent(stats.ErrorPercent)} err");
        if (stats.Denied > 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{stats.Denied} denied"));
        return string.Join(" · ", parts);
    }

    private void AddNodes(TopologyView view, IReadOnlyDictionary<string, ServiceShape> shapes)
    {
        var edges = view.Edges.Select(e => (e.Key.Source, e.Key.Destination)).Concat(_edges.Keys.Select(k => (k.Source, k.Destination))).ToList();
        var connected = edges.SelectMany(e => new[] { e.Source, e.Destination }).ToHashSet(StringComparer.Ordinal);
        var added = view.Nodes.Select(n => n.Service)
            .Concat(shapes.Keys)
            .Where(name => !_nodes.ContainsKey(name))
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(name => name, name => new ServiceNodeModel(name, new Point(0, 0)) { Shape = shapes.GetValueOrDefault(name) }, StringComparer.Ordinal);
        // A node placed before it had any edge (a registered service without traffic yet) had no layer to go
        // to; once its first edge arrives it is placed again, unless the operator has moved it since.
        var replaced = _provisional.Where(connected.Contains).ToList();
        if (added.Count == 0 && replaced.Count == 0)
            return;

        var placed = _nodes.Values.Where(n => !replaced.Contains(n.Service)).ToDictionary(
            n => n.Service,
            n => (new LayoutPoint(n.Position.X, n.Position.Y), n.Size is { } size ? new LayoutSize(size.Width, size.Height) : n.NominalSize),
            StringComparer.Ordinal);
        var placing = added.Values.Concat(replaced.Select(name => _nodes[name])).ToDictionary(n => n.Service, StringComparer.Ordinal);
        var positions = GraphLayout.Place(placed, placing.ToDictionary(p => p.Key, p => p.Value.NominalSize, StringComparer.Ordinal), edges);
        foreach (var (name, node) in placing.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var at = positions[name];
            node.Place(at);
            if (connected.Contains(name))
                _provisional.Remove(name);
            else
                _provisional.Add(name);
            if (added.ContainsKey(name))
            {
                _nodes[name] = node;
                node.Moved += Dragged;
                Diagram.Nodes.Add(node);
            }
        }
    }

    // A click on a node reports a move too: only a changed position is a drag.
    private void Dragged(MovableModel model)
    {
        if (model is not ServiceNodeModel node || node.Position.Equals(node.PlacedAt))
            return;
        _provisional.Remove(node.Service);
        node.PlacedAt = node.Position;
        NodeMoved?.Invoke();
    }

    private void Style(EdgeLinkModel link)
    {
        string colour, label;
        double width;
        if (link.Stats is { Requests: > 0 } stats)
        {
            colour = Colour(_thresholds.Classify(stats.ErrorPercent));
            // Width grows with the log of the rate, in half steps: 0.1 rps and 1,000 rps should both be
            // legible, and a rate that wobbles should not redraw the edge every refresh.
            width = Math.Round(2 * Math.Clamp(1.5 + (1.5 * Math.Log10(1 + (stats.RequestsPerSecond * 10))), 1.5, 9)) / 2;
            label = _detailed ? Label(stats, Display) : "";
        }
        else
        {
            (colour, width, label) = (Idle, 1, "");
        }

        // Only what changed is sent to the browser: with thousands of edges, redrawing them all each
        // refresh is what makes a large graph stall.
        var shown = link.Labels.FirstOrDefault()?.Content ?? "";
        if (link.Color == colour && link.Width.Equals(width) && shown == label)
            return;
        link.Color = colour;
        link.SelectedColor = colour;
        link.Width = width;
        if (shown != label)
        {
            link.Labels.Clear();
            if (label.Length > 0)
                link.Labels.Add(new LinkLabelModel(link, label));
        }
        link.Refresh();
    }

    private void ZoomChanged()
    {
        // Level of detail: below this zoom labels cannot be read, and drawing thousands of them is what costs.
        var detailed = Diagram.Zoom >= DetailZoom;
        if (detailed == _detailed)
            return;
        _detailed = detailed;
        Diagram.Batch(() =>
        {
            foreach (var link in _edges.Values)
                Style(link);
        });
    }

    private void ApplyVisibility()
    {
        var filter = Display.Filter.Trim();
        var focus = Display.Focus is { } f && _nodes.ContainsKey(f) ? f : null;
        var shownEdges = _edges.Values
            .Where(e => !(Display.HideIdle && e.IsIdle))
            .Where(e => focus is null || e.Key.Source == focus || e.Key.Destination == focus)
            .Where(e => filter.Length == 0 || Matches(e.Key.Source, filter) || Matches(e.Key.Destination, filter))
            .ToHashSet();
        var ends = new HashSet<string>(StringComparer.Ordinal);
        foreach (var edge in shownEdges)
        {
            ends.Add(edge.Key.Source);
            ends.Add(edge.Key.Destination);
        }

        foreach (var node in _nodes.Values)
        {
            // A service nobody calls and that calls nobody (just registered, say) shows unless idle things are hidden.
            node.Visible = ends.Contains(node.Service)
                || (focus is not null ? node.Service == focus
                    : filter.Length > 0 ? Matches(node.Service, filter)
                    : !Display.HideIdle);
        }
        foreach (var edge in _edges.Values)
            edge.Visible = shownEdges.Contains(edge);
    }

    private static bool Matches(string service, string filter) => service.Contains(filter, StringComparison.OrdinalIgnoreCase);
}
