using MeshConsole.Telemetry.Aggregation;
using MeshConsole.Topology;

namespace MeshConsole.Tests.Topology;

public sealed class TopologyGraphTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly HealthThresholds _thresholds = new(1, 5);
    private static readonly IReadOnlyDictionary<string, ServiceShape> _noShapes = new Dictionary<string, ServiceShape>();

    [Fact]
    public void Apply_View_DrawsNodesAndColouredLabelledEdges()
    {
        var graph = new TopologyGraph();

        graph.Apply(View(Edge("frontend", "orders", 50, errors: 0), Edge("orders", "payments", 10, errors: 1)), _noShapes, _thresholds);

        Assert.Equal(["frontend", "orders", "payments"], graph.Nodes.Select(n => n.Service).Order());
        var healthy = graph.Edge(Key("frontend", "orders"))!;
        var failing = graph.Edge(Key("orders", "payments"))!;
        Assert.Equal(TopologyGraph.Green, healthy.Color);
        Assert.Equal(TopologyGraph.Red, failing.Color);
        Assert.True(healthy.Width > failing.Width);
        Assert.Equal("0.83 rps · p95 12 ms · 0 % err", Assert.Single(healthy.Labels).Content);
        Assert.Equal("0.17 rps · p95 12 ms · 10 % err", Assert.Single(failing.Labels).Content);
    }

    [Fact]
    public void Apply_Again_KeepsDraggedPositionsSelectionAndPan()
    {
        var graph = new TopologyGraph();
        graph.Apply(View(Edge("frontend", "orders", 50)), _noShapes, _thresholds);
        var orders = graph.Node("orders")!;
        orders.SetPosition(900, 700);
        graph.Diagram.SelectModel(orders, unselectOthers: true);
        graph.Diagram.SetPan(120, -40);

        graph.Apply(View(Edge("frontend", "orders", 80), Edge("orders", "payments", 5)), _noShapes, _thresholds);

        Assert.Same(orders, graph.Node("orders"));
        Assert.Equal((900d, 700d), (orders.Position.X, orders.Position.Y));
        Assert.Same(orders, graph.Selected);
        Assert.Equal((120d, -40d), (graph.Diagram.Pan.X, graph.Diagram.Pan.Y));
        var payments = graph.Node("payments")!;
        Assert.False(Overlap(orders, payments), "the new node must not land on the dragged one");
    }

    [Fact]
    public void Apply_EdgeGoneFromWindow_TurnsIdleAndHideIdleHidesIt()
    {
        var graph = new TopologyGraph();
        graph.Apply(View(Edge("frontend", "orders", 50), Edge("frontend", "catalog", 5)), _noShapes, _thresholds);

        graph.Apply(View(Edge("frontend", "orders", 50)), _noShapes, _thresholds);
        var idle = graph.Edge(Key("frontend", "catalog"))!;

        Assert.True(idle.IsIdle);
        Assert.Equal(TopologyGraph.Idle, idle.Color);
        Assert.Empty(idle.Labels);
        Assert.True(idle.Visible);

        graph.Show(new TopologyDisplay { HideIdle = true });

        Assert.False(idle.Visible);
        Assert.False(graph.Node("catalog")!.Visible);
        Assert.True(graph.Node("orders")!.Visible);
    }

    [Fact]
    public void Show_Filter_ShowsMatchesTheirEdgesAndTheOtherEnds()
    {
        var graph = new TopologyGraph();
        graph.Apply(View(Edge("frontend", "orders", 5), Edge("orders", "payments", 5), Edge("frontend", "catalog", 5)), _noShapes, _thresholds);

        graph.Show(new TopologyDisplay { Filter = "PAY" });

        Assert.Equal(["orders", "payments"], graph.Nodes.Where(n => n.Visible).Select(n => n.Service).Order());
        Assert.Equal([Key("orders", "payments")], graph.Edges.Where(e => e.Visible).Select(e => e.Key));
    }

    [Fact]
    public void Show_Focus_ShowsTheNodeAndItsNeighboursOnly()
    {
        var graph = new TopologyGraph();
        graph.Apply(View(Edge("external", "frontend", 5), Edge("frontend", "orders", 5), Edge("orders", "payments", 5)), _noShapes, _thresholds);

        graph.Show(new TopologyDisplay { Focus = "orders" });

        Assert.Equal(["frontend", "orders", "payments"], graph.Nodes.Where(n => n.Visible).Select(n => n.Service).Order());
        Assert.False(graph.Edge(Key("external", "frontend"))!.Visible);
    }

    [Fact]
    public void Show_Labels_SwitchesTheirParts()
    {
        var graph = new TopologyGraph();
        graph.Apply(View(Edge("frontend", "orders", 60)), _noShapes, _thresholds);

        graph.Show(new TopologyDisplay { LabelRate = false, LabelErrors = false });
        Assert.Equal("p95 12 ms", Assert.Single(graph.Edge(Key("frontend", "orders"))!.Labels).Content);

        graph.Show(new TopologyDisplay { LabelRate = false, LabelP95 = false, LabelErrors = false });
        Assert.Empty(graph.Edge(Key("frontend", "orders"))!.Labels);
    }

    [Fact]
    public void Apply_ShapesWithoutTraffic_DrawTheServiceWithItsSubsets()
    {
        var graph = new TopologyGraph();
        var shapes = new Dictionary<string, ServiceShape>
        {
            ["orders"] = new("orders", [], [new SubsetShape("v1", 90, 2), new SubsetShape("v2", 10, 1)]),
        };

        graph.Apply(View(), shapes, _thresholds);

        var orders = Assert.Single(graph.Nodes);
        Assert.Equal(["v1", "v2"], orders.Shape!.Subsets.Select(s => s.Name));
        Assert.Null(orders.Stats);
        Assert.True(orders.Visible);
    }

    [Fact]
    public void Apply_RegisteredServicesGetTheirFirstEdges_LaidOutInLayers()
    {
        var graph = new TopologyGraph();
        var shapes = Shapes("payments", "frontend", "orders");
        graph.Apply(View(), shapes, _thresholds);

        graph.Apply(View(Edge("frontend", "orders", 5), Edge("orders", "payments", 5)), shapes, _thresholds);

        Assert.True(graph.Node("frontend")!.Position.X < graph.Node("orders")!.Position.X);
        Assert.True(graph.Node("orders")!.Position.X < graph.Node("payments")!.Position.X);
    }

    [Fact]
    public void Apply_RegisteredServiceDraggedBeforeItsFirstEdge_StaysWhereItWasDragged()
    {
        var graph = new TopologyGraph();
        var shapes = Shapes("frontend", "orders");
        graph.Apply(View(), shapes, _thresholds);
        var orders = graph.Node("orders")!;
        orders.SetPosition(640, 480);
        orders.TriggerMoved();

        graph.Apply(View(Edge("frontend", "orders", 5)), shapes, _thresholds);

        Assert.Equal((640d, 480d), (orders.Position.X, orders.Position.Y));
    }

    [Theory]
    [InlineData(3000, 0.35)]
    [InlineData(400, 1)]
    public void FitToScreen_MeasuredGraph_FitsInsideTheCanvasNeverAbove100Percent(double spread, double expectedZoom)
    {
        var graph = new TopologyGraph();
        graph.Apply(View(Edge("frontend", "orders", 5)), _noShapes, _thresholds);
        Assert.False(graph.FitToScreen());
        graph.Diagram.SetContainer(new Blazor.Diagrams.Core.Geometry.Rectangle(0, 0, 1200, 800));
        foreach (var node in graph.Nodes)
            node.Size = new Blazor.Diagrams.Core.Geometry.Size(190, 60);
        graph.Node("orders")!.SetPosition(spread, 100);
        graph.Node("frontend")!.SetPosition(0, 100);

        Assert.True(graph.FitToScreen(margin: 40));

        Assert.Equal(expectedZoom, graph.Diagram.Zoom, precision: 2);
        foreach (var node in graph.Nodes)
        {
            var x = (node.Position.X * graph.Diagram.Zoom) + graph.Diagram.Pan.X;
            Assert.InRange(x, 0, 1200 - (190 * graph.Diagram.Zoom));
        }
    }

    [Fact]
    public void Zoom_BelowDetailLevel_LeavesLabelsOutUntilZoomedBackIn()
    {
        var graph = new TopologyGraph();
        graph.Apply(View(Edge("frontend", "orders", 60)), _noShapes, _thresholds);
        var edge = graph.Edge(Key("frontend", "orders"))!;

        graph.Diagram.SetZoom(TopologyGraph.DetailZoom / 2);
        Assert.Empty(edge.Labels);

        graph.Diagram.SetZoom(1);
        Assert.Single(edge.Labels);
    }

    [Fact]
    public void Apply_SameFigures_KeepsTheDrawnLabel()
    {
        var graph = new TopologyGraph();
        graph.Apply(View(Edge("frontend", "orders", 60)), _noShapes, _thresholds);
        var label = Assert.Single(graph.Edge(Key("frontend", "orders"))!.Labels);

        graph.Apply(View(Edge("frontend", "orders", 60)), _noShapes, _thresholds);

        Assert.Same(label, Assert.Single(graph.Edge(Key("frontend", "orders"))!.Labels));
    }

    [Fact]
    public void Relayout_PutsDraggedNodesBackInTheirLayer()
    {
        var graph = new TopologyGraph();
        graph.Apply(View(Edge("frontend", "orders", 5)), _noShapes, _thresholds);
        graph.Node("frontend")!.SetPosition(2000, 2000);

        graph.Relayout();

        Assert.True(graph.Node("frontend")!.Position.X < graph.Node("orders")!.Position.X);
    }

    private static Dictionary<string, ServiceShape> Shapes(params string[] names) => names.ToDictionary(n => n, n => new ServiceShape(n, [], []));

    private static EdgeKey Key(string source, string destination) => new(source, destination, "http");

    private static EdgeStats Edge(string source, string destination, long requests, long errors = 0) =>
        new(Key(source, destination), requests, errors, 0, requests / 60.0, requests == 0 ? 0 : 100.0 * errors / requests, 4, 12, 20);

    private static TopologyView View(params EdgeStats[] edges)
    {
        var nodes = edges.SelectMany(e => new[] { e.Key.Source, e.Key.Destination }).Distinct().Order(StringComparer.Ordinal)
            .Select(name =>
            {
                var inbound = edges.Where(e => e.Key.Destination == name).ToList();
                var requests = inbound.Sum(e => e.Requests);
                var errors = inbound.Sum(e => e.Errors);
                var percent = requests == 0 ? 0 : 100.0 * errors / requests;
                return new NodeStats(name, requests, errors, 0, requests / 60.0, percent, _thresholds.Classify(percent));
            })
            .ToList();
        return new TopologyView(_now, TimeSpan.FromMinutes(1), nodes, edges);
    }

    private static bool Overlap(ServiceNodeModel a, ServiceNodeModel b) =>
        Math.Abs(a.Position.X - b.Position.X) < a.NominalSize.Width && Math.Abs(a.Position.Y - b.Position.Y) < a.NominalSize.Height;
}
