using MeshConsole.Telemetry.Aggregation;
using static MeshConsole.Tests.Telemetry.Aggregation.AggregatorTestData;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class RollupsTests
{
    private static readonly EdgeKey _apiToDb = new("api", "db", "grpc");
    private static readonly EdgeKey _externalToWeb = new(External.Name, "web", "http");
    private static readonly HealthThresholds _thresholds = new();

    [Fact]
    public void Merge_MinutesOfAlignedFiveMinutes_EqualsLiveSnapshot()
    {
        var (aggregator, clock) = Create();
        var end = T0 + AggregationWindows.FiveMinutes;
        // In the span's last bucket the live five-minute window is exactly the span's buckets.
        clock.SetUtcNow(end - TimeSpan.FromTicks(1));
        var random = new Random(5);
        (EdgeKey Edge, double ErrorRate)[] edges = [(_externalToWeb, 0), (WebToApi, 0.02), (_apiToDb, 0.1)];
        for (var i = 0; i < 30_000; i++)
        {
            var (edge, errorRate) = edges[i % edges.Length];
            var at = T0 + TimeSpan.FromTicks((long)(random.NextDouble() * AggregationWindows.FiveMinutes.Ticks));
            aggregator.Record(Call(edge, at, Math.Exp(random.NextDouble() * 10), random.NextDouble() < errorRate, random.Next(100) == 0));
        }
        aggregator.Record(Observation.CountsOnly(WebToApi, T0 + TimeSpan.FromMinutes(2), count: 40, errors: 3, denied: 1));
        aggregator.Record(Call(new EdgeKey("old", "api", "http"), T0 - TimeSpan.FromTicks(1)));

        var live = aggregator.Snapshot(AggregationWindows.FiveMinutes);
        var stored = Enumerable.Range(0, 5).SelectMany(m => aggregator.Minute(T0 + TimeSpan.FromMinutes(m))).ToList();
        var replayed = Rollups.Merge(stored, end, AggregationWindows.FiveMinutes, _thresholds);

        // Rates differ only by the tick the live window still has to go.
        Assert.Equal(live.Edges.Select(e => e with { RequestsPerSecond = 0 }), replayed.Edges.Select(e => e with { RequestsPerSecond = 0 }));
        Assert.Equal(live.Nodes.Select(n => n with { InboundRequestsPerSecond = 0 }), replayed.Nodes.Select(n => n with { InboundRequestsPerSecond = 0 }));
        Assert.All(live.Edges.Zip(replayed.Edges), pair => Assert.Equal(pair.First.RequestsPerSecond, pair.Second.RequestsPerSecond, 6));
        Assert.All(live.Nodes.Zip(replayed.Nodes), pair => Assert.Equal(pair.First.InboundRequestsPerSecond, pair.Second.InboundRequestsPerSecond, 6));
        Assert.Equal((end, AggregationWindows.FiveMinutes), (replayed.At, replayed.Window));
        Assert.DoesNotContain(replayed.Nodes, n => n.Service == "old");
        Assert.Equal([NodeHealth.Green, NodeHealth.Amber, NodeHealth.Red], replayed.Nodes.Select(n => n.Health).Distinct().Order());
    }

    [Fact]
    public void Merge_MinuteThroughStorage_QuantilesEqualLive()
    {
        var (aggregator, clock) = Create();
        clock.SetUtcNow(T0 + AggregationWindows.OneMinute - TimeSpan.FromTicks(1));
        var random = new Random(8);
        for (var i = 0; i < 20_000; i++)
        {
            var micros = (long)Math.Exp(random.NextDouble() * 21);
            aggregator.Record(Observation.Single(WebToApi, T0 + TimeSpan.FromMilliseconds(3 * i), TimeSpan.FromMicroseconds(micros), false, false));
        }
        aggregator.Record(Observation.Histogram(WebToApi, T0, [0.005, 0.25], [100, 50, 10], errors: 4, denied: 0));

        var live = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);
        // Stored as [microseconds, count] pairs and read back.
        var stored = aggregator.Minute(T0)
            .Select(m => m with
            {
                Latencies = [.. m.Latencies.Select(l => (Micros: (long)Math.Round(l.Duration.TotalMicroseconds), l.Count))
                    .Select(p => new LatencySample(TimeSpan.FromMicroseconds(p.Micros), p.Count))],
            });
        var replayed = Rollups.Merge(stored, T0 + AggregationWindows.OneMinute, AggregationWindows.OneMinute, _thresholds).Edge(WebToApi);

        Assert.Equal((live.Requests, live.Errors), (replayed.Requests, replayed.Errors));
        Assert.Equal((live.P50Milliseconds, live.P95Milliseconds, live.P99Milliseconds), (replayed.P50Milliseconds, replayed.P95Milliseconds, replayed.P99Milliseconds));
    }

    [Fact]
    public void Merge_SameMinuteFromTwoReplicas_AddsUp()
    {
        var latencies = new LatencySample[] { new(TimeSpan.FromMilliseconds(1), 8), new(TimeSpan.FromMilliseconds(100), 2) };
        var minute = new EdgeMinute(WebToApi, T0, 10, 1, 0, latencies);

        var once = Rollups.Merge([minute], T0 + AggregationWindows.OneMinute, AggregationWindows.OneMinute, _thresholds).Edge(WebToApi);
        var twice = Rollups.Merge([minute, minute], T0 + AggregationWindows.OneMinute, AggregationWindows.OneMinute, _thresholds).Edge(WebToApi);

        Assert.Equal((20L, 2L), (twice.Requests, twice.Errors));
        Assert.Equal((once.P50Milliseconds, once.P95Milliseconds, once.P99Milliseconds), (twice.P50Milliseconds, twice.P95Milliseconds, twice.P99Milliseconds));
    }

    [Fact]
    public void Merge_RatesOverWholeWindow_RequestsOverWindowSeconds()
    {
        EdgeMinute[] minutes = [new(WebToApi, T0, 600, 0, 0, []), new(WebToApi, T0 + TimeSpan.FromMinutes(3), 300, 0, 0, [])];

        var view = Rollups.Merge(minutes, T0 + AggregationWindows.FiveMinutes, AggregationWindows.FiveMinutes, _thresholds);

        Assert.Equal(3, view.Edge(WebToApi).RequestsPerSecond, 9);
        Assert.Equal(3, view.Node("api").InboundRequestsPerSecond, 9);
        Assert.Null(view.Edge(WebToApi).P50Milliseconds);
    }

    [Fact]
    public void Merge_NoMinutes_EmptyView()
    {
        var view = Rollups.Merge([], T0, AggregationWindows.OneHour, _thresholds);

        Assert.Empty(view.Edges);
        Assert.Empty(view.Nodes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void Merge_WindowNotPositive_Throws(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rollups.Merge([], T0, TimeSpan.FromSeconds(seconds), _thresholds));
    }

    [Fact]
    public void Merge_InvalidThresholds_Throws()
    {
        Assert.Throws<ArgumentException>(() => Rollups.Merge([], T0, AggregationWindows.OneMinute, new HealthThresholds(AmberErrorPercent: 10, RedErrorPercent: 5)));
    }

    [Fact]
    public void Merge_MoreErrorsThanRequests_Throws()
    {
        EdgeMinute[] minutes = [new(WebToApi, T0, 1, 2, 0, [])];

        Assert.Throws<ArgumentException>(() => Rollups.Merge(minutes, T0 + AggregationWindows.OneMinute, AggregationWindows.OneMinute, _thresholds));
    }
}
