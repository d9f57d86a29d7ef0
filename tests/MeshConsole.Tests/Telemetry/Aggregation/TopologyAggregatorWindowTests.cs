using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.Time.Testing;
using static MeshConsole.Tests.Telemetry.Aggregation.AggregatorTestData;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class TopologyAggregatorWindowTests
{
    [Fact]
    public void Snapshot_DataOlderThanWindow_Excluded()
    {
        var (aggregator, clock) = Create();
        aggregator.Record(Call(WebToApi, T0));

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi).Requests);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(aggregator.Snapshot(AggregationWindows.OneMinute).Edges);
        Assert.Equal(1, aggregator.Snapshot(AggregationWindows.FiveMinutes).Edge(WebToApi).Requests);
    }

    [Fact]
    public void Snapshot_AfterOneHour_DataGone()
    {
        var (aggregator, clock) = Create();
        aggregator.Record(Call(WebToApi, T0));

        clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        Assert.Equal(1, aggregator.Snapshot(AggregationWindows.OneHour).Edge(WebToApi).Requests);

        clock.Advance(TimeSpan.FromTicks(1));
        var view = aggregator.Snapshot(AggregationWindows.OneHour);
        Assert.Empty(view.Edges);
        Assert.Empty(view.Nodes);
    }

    [Fact]
    public void Snapshot_SlotReusedAfterOneHour_HoldsOnlyNewData()
    {
        var (aggregator, clock) = Create();
        aggregator.Record(Call(WebToApi, T0));
        clock.Advance(TimeSpan.FromHours(2));

        aggregator.Record(Call(WebToApi, clock.GetUtcNow()));

        Assert.Equal(1, aggregator.Snapshot(AggregationWindows.OneHour).Edge(WebToApi).Requests);
    }

    [Fact]
    public void Snapshot_WindowEndingAtBucketEnd_RpsIsCountOverWindowSeconds()
    {
        var (aggregator, clock) = Create();
        for (var i = 0; i < 600; i++)
        {
            aggregator.Record(Call(WebToApi, T0 + TimeSpan.FromMilliseconds(100 * i)));
        }

        clock.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        var view = aggregator.Snapshot(AggregationWindows.OneMinute);

        Assert.Equal(600, view.Edge(WebToApi).Requests);
        Assert.Equal(600 / 60.0, view.Edge(WebToApi).RequestsPerSecond, 6);
        Assert.Equal(600 / 60.0, view.Node("api").InboundRequestsPerSecond, 6);
    }

    [Fact]
    public void Snapshot_CurrentBucketPartlyElapsed_RpsOverElapsedTimeOnly()
    {
        var (aggregator, clock) = Create();
        // 10 calls a second from T0 to T0 + 59 s; at T0 + 59 s the window is T0 .. now, 59 s long.
        for (var i = 0; i < 590; i++)
        {
            aggregator.Record(Call(WebToApi, T0 + TimeSpan.FromMilliseconds(100 * i)));
        }

        clock.Advance(TimeSpan.FromSeconds(59));
        var edge = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);

        Assert.Equal(10, edge.RequestsPerSecond, 9);
    }

    [Fact]
    public void Snapshot_StartedLessThanWindowAgo_RpsOverTimeSinceStart()
    {
        var clock = new FakeTimeProvider(T0 + TimeSpan.FromSeconds(5));
        var aggregator = new TopologyAggregator(clock);
        for (var i = 0; i < 100; i++)
        {
            aggregator.Record(Call(WebToApi, clock.GetUtcNow()));
        }

        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(10, aggregator.Snapshot(AggregationWindows.OneHour).Edge(WebToApi).RequestsPerSecond, 9);
    }

    [Fact]
    public void Record_OlderThanRetention_RefusedAndCounted()
    {
        var (aggregator, _) = Create();

        var recorded = aggregator.Record(Call(WebToApi, T0 - TimeSpan.FromHours(1) - TimeSpan.FromSeconds(10)));

        Assert.False(recorded);
        Assert.Equal(1, aggregator.DroppedLate);
        Assert.Empty(aggregator.Snapshot(AggregationWindows.OneHour).Edges);
    }

    [Fact]
    public void Record_LateButWithinRetention_CountsInItsOwnBucket()
    {
        var (aggregator, _) = Create();

        aggregator.Record(Call(WebToApi, T0 - TimeSpan.FromMinutes(10)));

        Assert.Empty(aggregator.Snapshot(AggregationWindows.FiveMinutes).Edges);
        Assert.Equal(1, aggregator.Snapshot(AggregationWindows.FifteenMinutes).Edge(WebToApi).Requests);
    }

    [Fact]
    public void Record_TimestampAheadOfClock_CountsNow()
    {
        var (aggregator, _) = Create();

        aggregator.Record(Call(WebToApi, T0 + TimeSpan.FromMinutes(3)));

        Assert.Equal(1, aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi).Requests);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(7_200)]
    public void Snapshot_WindowNotWholeBucketsWithinRetention_Throws(int seconds)
    {
        var (aggregator, _) = Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => aggregator.Snapshot(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new TopologyAggregator(TimeProvider.System, new TopologyAggregatorOptions { MaxEdges = 0, Retention = TimeSpan.FromSeconds(65) }));

        Assert.Contains(nameof(TopologyAggregatorOptions.MaxEdges), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(TopologyAggregatorOptions.Retention), error.Message, StringComparison.Ordinal);
    }
}
