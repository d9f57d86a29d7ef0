using MeshConsole.Telemetry.Aggregation;
using static MeshConsole.Tests.Telemetry.Aggregation.AggregatorTestData;

namespace MeshConsole.Tests.Telemetry.Aggregation;

/// <summary>
/// Reads keep the merge of each window's closed buckets for the next read: these check that a read through
/// that cache always shows what a first read of the same calls shows.
/// </summary>
public sealed class TopologyAggregatorCacheTests
{
    private static readonly EdgeKey _apiToDb = new("api", "db", "grpc");
    private static readonly EdgeKey _externalToWeb = new(External.Name, "web", "http");

    [Fact]
    public void Snapshot_PolledWhileTrafficAndStragglersArrive_EqualsFreshAggregatorOfSameCalls()
    {
        var (aggregator, clock) = Create();
        var recorded = new List<Observation>();
        var random = new Random(11);
        EdgeKey[] edges = [WebToApi, _apiToDb, _externalToWeb, new("api", "cache", "grpc")];

        // 20 minutes of 2-second polls: each records 2 s of calls, some started up to 5 minutes earlier (many
        // into buckets the caches hold), then reads every window, as open browser tabs do.
        for (var poll = 0; poll < 600; poll++)
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            var now = clock.GetUtcNow();
            for (var i = 0; i < 6; i++)
            {
                var late = random.Next(10) == 0 ? TimeSpan.FromSeconds(random.Next(20, 300)) : TimeSpan.Zero;
                var at = now - late - TimeSpan.FromMilliseconds(random.Next(2_000));
                var observation = Call(edges[random.Next(edges.Length)], at, Math.Exp(random.NextDouble() * 7), random.Next(20) == 0, random.Next(50) == 0);
                recorded.Add(observation);
                aggregator.Record(observation);
            }
            var windows = AggregationWindows.All.Where((_, w) => (poll + w) % 3 == 0);
            foreach (var window in windows)
            {
                aggregator.Snapshot(window);
            }

            if (poll % 97 == 0 || poll == 599)
            {
                var fresh = Fresh(clock.GetUtcNow(), recorded);
                Assert.All(AggregationWindows.All, window => AssertSameView(fresh.Snapshot(window), aggregator.Snapshot(window)));
            }
        }
    }

    [Fact]
    public void Snapshot_CachedAfterMinutes_EqualsRollupsOfTheSameMinutes()
    {
        var (aggregator, clock) = Create();
        var random = new Random(12);
        for (var second = 0; second < 15 * 60; second++)
        {
            clock.SetUtcNow(T0 + TimeSpan.FromSeconds(second));
            aggregator.Record(Call(second % 3 == 0 ? _apiToDb : WebToApi, clock.GetUtcNow(), Math.Exp(random.NextDouble() * 6), random.Next(30) == 0));
            if (second % 7 == 0)
            {
                aggregator.Snapshot(AggregationWindows.FiveMinutes);
            }
        }
        // In the last bucket of the span the live window is exactly its buckets.
        var end = T0 + AggregationWindows.FifteenMinutes;
        clock.SetUtcNow(end - TimeSpan.FromTicks(1));

        foreach (var window in new[] { AggregationWindows.FiveMinutes, AggregationWindows.FifteenMinutes })
        {
            var live = aggregator.Snapshot(window);
            var minutes = Enumerable.Range(0, (int)window.TotalMinutes)
                .SelectMany(m => aggregator.Minute(end - window + TimeSpan.FromMinutes(m)));
            var replayed = Rollups.Merge(minutes, end, window, new HealthThresholds());

            Assert.Equal(replayed.Edges.Select(e => e with { RequestsPerSecond = 0 }), live.Edges.Select(e => e with { RequestsPerSecond = 0 }));
            Assert.Equal(replayed.Nodes.Select(n => n with { InboundRequestsPerSecond = 0 }), live.Nodes.Select(n => n with { InboundRequestsPerSecond = 0 }));
        }
    }

    [Fact]
    public void Snapshot_StragglerIntoClosedBucketAfterRead_InNextRead()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromSeconds(5));
        var closed = T0 - TimeSpan.FromSeconds(30);
        aggregator.Record(Call(WebToApi, closed, 10));
        aggregator.Record(Call(WebToApi, T0, 10));
        Assert.Equal(2, aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi).Requests);

        aggregator.Record(Call(WebToApi, closed, 500, isError: true));
        aggregator.Record(Call(WebToApi, closed, 500));

        var edge = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);
        Assert.Equal((4L, 1L), (edge.Requests, edge.Errors));
        AssertMilliseconds(500, edge.P99Milliseconds);

        // And again, into the same bucket, once its first stragglers were folded in.
        aggregator.Record(Call(WebToApi, closed, 500));
        Assert.Equal(5, aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi).Requests);
    }

    [Fact]
    public void Snapshot_StragglerIntoClosedBucketThatHadNoCall_InNextRead()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromSeconds(5));
        aggregator.Record(Call(WebToApi, T0, 10));
        Assert.Equal(1, aggregator.Snapshot(AggregationWindows.FiveMinutes).Edge(WebToApi).Requests);

        // Two minutes back: no call was ever recorded there, so its slot still held a slice of an hour before.
        aggregator.Record(Call(_apiToDb, T0 - TimeSpan.FromMinutes(2), 10));

        var view = aggregator.Snapshot(AggregationWindows.FiveMinutes);
        Assert.Equal(1, view.Edge(_apiToDb).Requests);
        Assert.Equal(1, view.Edge(WebToApi).Requests);
    }

    [Fact]
    public void Snapshot_StragglerIntoOneWindowsBucket_SeenByEveryWindowHoldingIt()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromSeconds(5));
        aggregator.Record(Call(WebToApi, T0 - TimeSpan.FromSeconds(40)));
        foreach (var window in AggregationWindows.All)
        {
            Assert.Equal(1, aggregator.Snapshot(window).Edge(WebToApi).Requests);
        }

        aggregator.Record(Call(WebToApi, T0 - TimeSpan.FromSeconds(40)));

        // The first read folds the straggler into the bucket; the others must still see it.
        Assert.All(AggregationWindows.All, window => Assert.Equal(2, aggregator.Snapshot(window).Edge(WebToApi).Requests));
    }

    [Fact]
    public void Snapshot_WindowSlidesByOneBucket_DropsOldestBucketsCalls()
    {
        var (aggregator, clock) = Create();
        // The minute window at T0 + 5 s is the buckets from T0 - 50 s to T0.
        clock.Advance(TimeSpan.FromSeconds(5));
        var oldest = T0 - TimeSpan.FromSeconds(50);
        for (var i = 0; i < 10; i++)
        {
            aggregator.Record(Call(WebToApi, oldest, 900, isError: true));
            aggregator.Record(Call(WebToApi, oldest + TimeSpan.FromSeconds(10), 5));
        }
        aggregator.Record(Call(_apiToDb, oldest, 1));
        var before = aggregator.Snapshot(AggregationWindows.OneMinute);
        Assert.Equal((20L, 10L), (before.Edge(WebToApi).Requests, before.Edge(WebToApi).Errors));
        AssertMilliseconds(900, before.Edge(WebToApi).P99Milliseconds);

        clock.Advance(TimeSpan.FromSeconds(10));
        var after = aggregator.Snapshot(AggregationWindows.OneMinute);

        Assert.Equal((10L, 0L), (after.Edge(WebToApi).Requests, after.Edge(WebToApi).Errors));
        AssertMilliseconds(5, after.Edge(WebToApi).P99Milliseconds);
        Assert.DoesNotContain(after.Edges, e => e.Key == _apiToDb);
        Assert.DoesNotContain(after.Nodes, n => n.Service == "db");
    }

    [Fact]
    public void Snapshot_ClockJumpsPastTheWindow_StartsAgainEmpty()
    {
        var (aggregator, clock) = Create();
        aggregator.Record(Call(WebToApi, T0));
        Assert.Single(aggregator.Snapshot(AggregationWindows.FiveMinutes).Edges);

        clock.Advance(TimeSpan.FromMinutes(7));
        aggregator.Record(Call(_apiToDb, clock.GetUtcNow() - TimeSpan.FromMinutes(1)));

        Assert.Equal([_apiToDb], aggregator.Snapshot(AggregationWindows.FiveMinutes).Edges.Select(e => e.Key));
    }

    [Fact]
    public void Snapshot_ReadAgain_SameViewAndCacheUntouchedByOpenCalls()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromSeconds(5));
        aggregator.Record(Call(WebToApi, T0 - TimeSpan.FromSeconds(30), 10));
        aggregator.Record(Call(WebToApi, T0, 200));

        var first = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);
        var again = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);
        aggregator.Record(Call(WebToApi, T0, 200));
        var more = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);

        Assert.Equal(first, again);
        Assert.Equal(3, more.Requests);
        // The open bucket's calls were merged into the read, never into the cached closed part.
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(2, aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi).Requests);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(30)]
    public void Snapshot_WindowOfFewBuckets_CountsEachOfThem(int seconds)
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromSeconds(5));
        for (var back = 0; back < 4; back++)
        {
            aggregator.Record(Call(WebToApi, T0 - TimeSpan.FromSeconds(10 * back)));
        }

        var first = aggregator.Snapshot(TimeSpan.FromSeconds(seconds)).Edge(WebToApi);
        clock.Advance(TimeSpan.FromSeconds(10));
        var slid = aggregator.Snapshot(TimeSpan.FromSeconds(seconds)).Edges;

        Assert.Equal(seconds / 10, first.Requests);
        Assert.Equal(seconds / 10 - 1, slid.Sum(e => e.Requests));
    }

    [Fact]
    public async Task Snapshot_ConcurrentWritersStragglersAndReaders_EndsEqualToFreshAggregator()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromSeconds(5));
        const int Writers = 3;
        const int PerWriter = 5_000;
        using var stop = new CancellationTokenSource();
        var readers = AggregationWindows.All.Select(window => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                aggregator.Snapshot(window);
            }
        })).ToList();

        var written = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            var random = new Random(w);
            var mine = new List<Observation>(PerWriter);
            for (var i = 0; i < PerWriter; i++)
            {
                // Half into the open buckets, half into closed ones the readers' caches hold.
                var at = T0 - TimeSpan.FromSeconds(random.Next(2) == 0 ? random.Next(15) : random.Next(20, 240));
                var observation = Call(i % 2 == 0 ? WebToApi : new EdgeKey("svc", $"dst{w}", "grpc"), at, random.Next(1, 1_000), i % 10 == 0);
                aggregator.Record(observation);
                mine.Add(observation);
            }
            return mine;
        })));
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        var fresh = Fresh(clock.GetUtcNow(), written.SelectMany(o => o));
        Assert.All(AggregationWindows.All, window => AssertSameView(fresh.Snapshot(window), aggregator.Snapshot(window)));
        Assert.Equal(Writers * PerWriter, aggregator.Snapshot(AggregationWindows.FiveMinutes).Edges.Sum(e => e.Requests));
    }

    private static TopologyAggregator Fresh(DateTimeOffset now, IEnumerable<Observation> observations)
    {
        var (fresh, clock) = Create();
        clock.SetUtcNow(now);
        foreach (var observation in observations)
        {
            fresh.Record(observation);
        }
        return fresh;
    }

    private static void AssertSameView(TopologyView expected, TopologyView actual)
    {
        Assert.Equal(expected.Edges, actual.Edges);
        Assert.Equal(expected.Nodes, actual.Nodes);
    }

    private static void AssertMilliseconds(double expectedMs, double? actualMs)
    {
        Assert.NotNull(actualMs);
        Assert.InRange(actualMs.Value, expectedMs * 0.999, expectedMs * 1.001);
    }
}
