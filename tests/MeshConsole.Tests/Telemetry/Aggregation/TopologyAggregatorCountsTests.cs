using MeshConsole.Telemetry.Aggregation;
using static MeshConsole.Tests.Telemetry.Aggregation.AggregatorTestData;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class TopologyAggregatorCountsTests
{
    private static readonly EdgeKey _mobileToApi = new("mobile", "api", "grpc");
    private static readonly EdgeKey _apiToDb = new("api", "db", "grpc");
    private static readonly EdgeKey _apiToExternal = new("api", External.Name, "http");

    [Fact]
    public void Snapshot_ErrorsAndDenied_ErrorPercentOfCountAndDeniedCount()
    {
        var (aggregator, _) = Create();
        for (var i = 0; i < 200; i++)
        {
            aggregator.Record(Call(WebToApi, T0, isError: i < 3, isDenied: i >= 195));
        }

        var edge = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);

        Assert.Equal((200L, 3L, 5L), (edge.Requests, edge.Errors, edge.Denied));
        Assert.Equal(1.5, edge.ErrorPercent, 9);
    }

    [Fact]
    public void Snapshot_Nodes_SumInboundEdgesOnlyAndIncludeExternal()
    {
        var (aggregator, clock) = Create();
        aggregator.Record(Observation.CountsOnly(WebToApi, T0, count: 100, errors: 2, denied: 1));
        aggregator.Record(Observation.CountsOnly(_mobileToApi, T0, count: 100, errors: 0, denied: 0));
        aggregator.Record(Observation.CountsOnly(_apiToDb, T0, count: 50, errors: 50, denied: 0));
        aggregator.Record(Observation.CountsOnly(_apiToExternal, T0, count: 20, errors: 0, denied: 0));
        clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));

        var view = aggregator.Snapshot(AggregationWindows.OneMinute);

        Assert.Equal(["api", "db", External.Name, "mobile", "web"], view.Nodes.Select(n => n.Service));
        Assert.Equal([_apiToDb, _apiToExternal, _mobileToApi, WebToApi], view.Edges.Select(e => e.Key));
        var api = view.Node("api");
        Assert.Equal((200L, 2L, 1L), (api.InboundRequests, api.InboundErrors, api.InboundDenied));
        Assert.Equal(1, api.ErrorPercent, 9);
        Assert.Equal(NodeHealth.Amber, api.Health);
        Assert.Equal(NodeHealth.Red, view.Node("db").Health);
        Assert.Equal(NodeHealth.Green, view.Node(External.Name).Health);
        Assert.Equal(20 / 60.0, view.Node(External.Name).InboundRequestsPerSecond, 6);
        var web = view.Node("web");
        Assert.Equal((0L, 0.0, 0.0, NodeHealth.Green), (web.InboundRequests, web.InboundRequestsPerSecond, web.ErrorPercent, web.Health));
    }

    [Theory]
    [InlineData(0, NodeHealth.Green)]
    [InlineData(9, NodeHealth.Green)]
    [InlineData(10, NodeHealth.Amber)]
    [InlineData(49, NodeHealth.Amber)]
    [InlineData(50, NodeHealth.Red)]
    [InlineData(1000, NodeHealth.Red)]
    public void Snapshot_DefaultThresholds_HealthByInboundErrorPercent(int errorsPerThousand, NodeHealth expected)
    {
        var (aggregator, _) = Create();
        aggregator.Record(Observation.CountsOnly(WebToApi, T0, count: 1000, errors: errorsPerThousand, denied: 0));

        Assert.Equal(expected, aggregator.Snapshot(AggregationWindows.OneMinute).Node("api").Health);
    }

    [Fact]
    public void Snapshot_OperatorThresholds_OverrideConfiguredOnes()
    {
        var (aggregator, _) = Create(new TopologyAggregatorOptions { Health = new HealthThresholds(AmberErrorPercent: 10, RedErrorPercent: 20) });
        aggregator.Record(Observation.CountsOnly(WebToApi, T0, count: 100, errors: 15, denied: 0));

        Assert.Equal(NodeHealth.Amber, aggregator.Snapshot(AggregationWindows.OneMinute).Node("api").Health);
        Assert.Equal(NodeHealth.Red, aggregator.Snapshot(AggregationWindows.OneMinute, new HealthThresholds(5, 15)).Node("api").Health);
        Assert.Equal(NodeHealth.Green, aggregator.Snapshot(AggregationWindows.OneMinute, new HealthThresholds(50, 60)).Node("api").Health);
    }

    [Fact]
    public void Snapshot_DeniedWithoutErrors_StaysGreen()
    {
        var (aggregator, _) = Create();
        aggregator.Record(Observation.CountsOnly(WebToApi, T0, count: 10, errors: 0, denied: 10));

        Assert.Equal(NodeHealth.Green, aggregator.Snapshot(AggregationWindows.OneMinute).Node("api").Health);
    }

    [Fact]
    public void Snapshot_InvalidThresholds_Throws()
    {
        var (aggregator, _) = Create();

        Assert.Throws<ArgumentException>(() => aggregator.Snapshot(AggregationWindows.OneMinute, new HealthThresholds(10, 5)));
    }

    [Fact]
    public void Record_ZeroCount_AcceptedWithoutCreatingEdge()
    {
        var (aggregator, _) = Create();

        Assert.True(aggregator.Record(Observation.Histogram(WebToApi, T0, [0.1], [0, 0], 0, 0)));

        Assert.Equal(0, aggregator.EdgeCount);
        Assert.Empty(aggregator.Snapshot(AggregationWindows.OneMinute).Edges);
    }
}
