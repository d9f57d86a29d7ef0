using MeshConsole.Topology;

namespace MeshConsole.Tests.Topology;

public sealed class GraphLayoutTests
{
    private static readonly LayoutSize _size = new(190, 60);

    [Fact]
    public void Layout_Chain_FlowsLeftToRight()
    {
        var positions = GraphLayout.Layout(Nodes("frontend", "orders", "payments"), [("frontend", "orders"), ("orders", "payments")]);

        Assert.True(positions["frontend"].X < positions["orders"].X);
        Assert.True(positions["orders"].X < positions["payments"].X);
        Assert.Equal(GraphLayout.Margin, positions.Values.Min(p => p.X));
        Assert.Equal(GraphLayout.Margin, positions.Values.Min(p => p.Y));
    }

    [Fact]
    public void Layout_FanOutWithCycleAndSelfCall_EveryNodePlacedWithoutOverlap()
    {
        var names = new[] { "external", "frontend", "catalog", "orders", "payments", "inventory" };
        var positions = GraphLayout.Layout(Nodes(names),
        [
            ("external", "frontend"), ("frontend", "catalog"), ("frontend", "orders"), ("orders", "payments"),
            ("orders", "inventory"), ("inventory", "orders"), ("orders", "orders"),
        ]);

        Assert.Equal(names.Order(), positions.Keys.Order());
        AssertNoOverlap(positions.Values.ToList());
        Assert.True(positions["external"].X < positions["frontend"].X);
    }

    [Fact]
    public void Place_NewNode_KeepsPlacedNodesAndTakesAFreeSpot()
    {
        // The operator dragged "orders" to where the layout would put "payments".
        var ideal = GraphLayout.Layout(Nodes("frontend", "orders", "payments"), [("frontend", "orders"), ("orders", "payments")]);
        var placed = new Dictionary<string, (LayoutPoint, LayoutSize)>
        {
            ["frontend"] = (ideal["frontend"], _size),
            ["orders"] = (ideal["payments"], _size),
        };

        var added = GraphLayout.Place(placed, Nodes("payments"), [("frontend", "orders"), ("orders", "payments")]);

        var payments = Assert.Single(added);
        Assert.Equal("payments", payments.Key);
        AssertNoOverlap([ideal["frontend"], ideal["payments"], payments.Value]);
    }

    [Fact]
    public void Place_NewCallerAndNewCallee_GoLeftAndRightOfTheirNeighbour()
    {
        var frontend = new LayoutPoint(GraphLayout.Margin, GraphLayout.Margin);
        var placed = new Dictionary<string, (LayoutPoint, LayoutSize)> { ["frontend"] = (frontend, _size) };

        var added = GraphLayout.Place(placed, Nodes("loadgen", "orders"), [("loadgen", "frontend"), ("frontend", "orders")]);

        Assert.True(added["loadgen"].X + _size.Width < frontend.X);
        Assert.True(added["orders"].X > frontend.X + _size.Width);
        Assert.Equal(frontend.Y, added["loadgen"].Y);
        Assert.Equal(frontend.Y, added["orders"].Y);
    }

    [Fact]
    public void Place_NothingPlacedYet_LaysOutTheWholeGraph()
    {
        var edges = new[] { ("a", "b") };

        Assert.Equal(GraphLayout.Layout(Nodes("a", "b"), edges), GraphLayout.Place(new Dictionary<string, (LayoutPoint, LayoutSize)>(), Nodes("a", "b"), edges));
    }

    private static Dictionary<string, LayoutSize> Nodes(params string[] names) => names.ToDictionary(n => n, _ => _size);

    private static void AssertNoOverlap(List<LayoutPoint> corners)
    {
        for (var i = 0; i < corners.Count; i++)
        {
            for (var j = i + 1; j < corners.Count; j++)
            {
                var apart = Math.Abs(corners[i].X - corners[j].X) >= _size.Width || Math.Abs(corners[i].Y - corners[j].Y) >= _size.Height;
                Assert.True(apart, $"{corners[i]} and {corners[j]} overlap");
            }
        }
    }
}
