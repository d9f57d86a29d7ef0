using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Telemetry.Aggregation;

/// <summary>A clock on a bucket boundary, well after the aggregator started, so no window is cut short by the start.</summary>
internal static class AggregatorTestData
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    public static readonly EdgeKey WebToApi = new("web", "api", "http");

    public static (TopologyAggregator Aggregator, FakeTimeProvider Clock) Create(TopologyAggregatorOptions? options = null)
    {
        var clock = new FakeTimeProvider(T0 - TimeSpan.FromHours(2));
        var aggregator = new TopologyAggregator(clock, options);
        clock.SetUtcNow(T0);
        return (aggregator, clock);
    }

    public static Observation Call(EdgeKey edge, DateTimeOffset at, double milliseconds = 1, bool isError = false, bool isDenied = false) =>
        Observation.Single(edge, at, TimeSpan.FromMilliseconds(milliseconds), isError, isDenied);

    public static EdgeStats Edge(this TopologyView view, EdgeKey key) => Assert.Single(view.Edges, e => e.Key == key);

    public static NodeStats Node(this TopologyView view, string service) => Assert.Single(view.Nodes, n => n.Service == service);
}
