using MeshConsole.Telemetry.Aggregation;
using static MeshConsole.Tests.Telemetry.Aggregation.AggregatorTestData;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class TopologyAggregatorSeriesTests
{
    private static readonly EdgeKey _mobileToApi = new("mobile", "api", "grpc");
    private static readonly EdgeKey _apiToDb = new("api", "db", "grpc");

    [Fact]
    public void Series_KnownCalls_CountsPerBucketStepAndZeroStepsBetween()
    {
        var (aggregator, clock) = Create();
        // At T0 + 5 s the minute window is the buckets starting T0 - 50 s, ..., T0.
        clock.Advance(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 4; i++)
        {
            aggregator.Record(Call(WebToApi, T0 - TimeSpan.FromSeconds(50), 20, isError: i == 0));
        }
        aggregator.Record(Call(WebToApi, T0 - TimeSpan.FromSeconds(21), 30, isDenied: true));
        aggregator.Record(Call(WebToApi, T0 + TimeSpan.FromSeconds(1), 40));
        aggregator.Record(Call(WebToApi, T0 + TimeSpan.FromSeconds(4), 40));

        var series = aggregator.Series(AggregationWindows.OneMinute, k => k == WebToApi);

        Assert.Equal(Enumerable.Range(0, 6).Select(i => T0 - TimeSpan.FromSeconds(50 - (10 * i))), series.Select(p => p.Start));
        Assert.Equal([4L, 0, 1, 0, 0, 2], series.Select(p => p.Requests));
        Assert.Equal([1L, 0, 0, 0, 0, 0], series.Select(p => p.Errors));
        Assert.Equal([0L, 0, 1, 0, 0, 0], series.Select(p => p.Denied));
        Assert.Equal(25, series[0].ErrorPercent, 9);
        Assert.Equal(0.4, series[0].RequestsPerSecond, 9);
        Assert.All([series[1], series[3], series[4]], p => Assert.Equal((0L, 0.0, 0.0, (double?)null), (p.Requests, p.RequestsPerSecond, p.ErrorPercent, p.P95Milliseconds)));
        AssertMilliseconds(20, series[0].P95Milliseconds);
        AssertMilliseconds(30, series[2].P95Milliseconds);
        Assert.All(series.Take(5), p => Assert.Equal(TimeSpan.FromSeconds(10), p.Width));
    }

    [Fact]
    public void Series_LastStep_WidthAndRateOverElapsedPartOnly()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromSeconds(4));
        for (var i = 0; i < 8; i++)
        {
            aggregator.Record(Call(WebToApi, T0 + TimeSpan.FromMilliseconds(500 * i)));
        }

        var last = aggregator.Series(AggregationWindows.OneMinute, k => k == WebToApi)[^1];

        Assert.Equal((T0, TimeSpan.FromSeconds(4), 8L), (last.Start, last.Width, last.Requests));
        Assert.Equal(2, last.RequestsPerSecond, 9);
    }

    [Fact]
    public void Series_RightAtBucketStart_LastStepAtLeastASecond()
    {
        var (aggregator, _) = Create();

        var last = aggregator.Series(AggregationWindows.OneMinute, k => k == WebToApi)[^1];

        Assert.Equal((T0, TimeSpan.FromSeconds(1)), (last.Start, last.Width));
    }

    [Theory]
    [InlineData(60, 60, 60, 6)]       // 1 h, 60 points: steps of 6 buckets (a minute)
    [InlineData(60, 7, 7, 52)]        // 360 buckets in at most 7 points: steps of 52, the oldest 48
    [InlineData(5, 60, 30, 1)]        // 5 m: a point per bucket
    [InlineData(5, 4, 4, 8)]          // 30 buckets in steps of 8: 4 points, the oldest 6 buckets
    [InlineData(1, 1, 1, 6)]          // one point: the whole minute
    [InlineData(1, int.MaxValue, 6, 1)]
    public void Series_MaxPoints_FewestWholeBucketsPerStepCoveringTheWindow(int minutes, int maxPoints, int expectedPoints, int stepBuckets)
    {
        var (aggregator, clock) = Create();
        var window = TimeSpan.FromMinutes(minutes);
        clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        var windowStart = T0 + TimeSpan.FromSeconds(10) - window;
        // One call per bucket over the whole window: each step counts its buckets.
        for (var at = windowStart; at <= T0; at += TimeSpan.FromSeconds(10))
        {
            aggregator.Record(Call(WebToApi, at));
        }

        var series = aggregator.Series(window, k => k == WebToApi, maxPoints);

        Assert.Equal(expectedPoints, series.Count);
        Assert.Equal(windowStart, series[0].Start);
        Assert.All(series.Zip(series.Skip(1)), pair => Assert.Equal(pair.First.Start + pair.First.Width, pair.Second.Start));
        Assert.All(series.Skip(1).SkipLast(1), p => Assert.Equal(TimeSpan.FromSeconds(10 * stepBuckets), p.Width));
        Assert.Equal(T0 + TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1), series[^1].Start + series[^1].Width);
        Assert.All(series, p => Assert.Equal(Math.Round(p.Width.TotalSeconds / 10), p.Requests));
        Assert.Equal(window.TotalSeconds / 10, series.Sum(p => p.Requests));
    }

    [Fact]
    public void Series_NodeInbound_SumsEdgesToIt()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromSeconds(5));
        aggregator.Record(Observation.CountsOnly(WebToApi, T0, count: 30, errors: 3, denied: 0));
        aggregator.Record(Observation.CountsOnly(_mobileToApi, T0, count: 10, errors: 1, denied: 2));
        aggregator.Record(Observation.CountsOnly(_apiToDb, T0, count: 50, errors: 50, denied: 0));

        var api = aggregator.Series(AggregationWindows.OneMinute, k => k.Destination == "api")[^1];
        var web = aggregator.Series(AggregationWindows.OneMinute, k => k == WebToApi)[^1];

        Assert.Equal((40L, 4L, 2L), (api.Requests, api.Errors, api.Denied));
        Assert.Equal(10, api.ErrorPercent, 9);
        Assert.Null(api.P95Milliseconds);
        Assert.Equal(30, web.Requests);
    }

    [Fact]
    public void Series_LateCallsAndSealedBuckets_CountedInTheirStep()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromSeconds(5));
        aggregator.Record(Call(WebToApi, T0 - TimeSpan.FromSeconds(40)));
        aggregator.Snapshot(AggregationWindows.OneMinute);

        aggregator.Record(Call(WebToApi, T0 - TimeSpan.FromSeconds(40)));

        Assert.Equal(2, aggregator.Series(AggregationWindows.OneMinute, k => k == WebToApi)[1].Requests);
    }

    [Fact]
    public void Series_LiveEqualsReplayOfMinutes_OnWholeMinutes()
    {
        var (aggregator, clock) = Create();
        var end = T0 + AggregationWindows.FifteenMinutes;
        // In the last bucket of the span the live window is exactly its buckets.
        clock.SetUtcNow(end - TimeSpan.FromTicks(1));
        var random = new Random(9);
        EdgeKey[] edges = [WebToApi, _mobileToApi, _apiToDb];
        for (var i = 0; i < 20_000; i++)
        {
            var at = T0 + TimeSpan.FromTicks((long)(random.NextDouble() * AggregationWindows.FifteenMinutes.Ticks));
            // Nothing in minute 6, to have an empty step.
            if (at >= T0 + TimeSpan.FromMinutes(6) && at < T0 + TimeSpan.FromMinutes(7))
            {
                continue;
            }
            aggregator.Record(Call(edges[i % edges.Length], at, Math.Exp(random.NextDouble() * 9), random.Next(40) == 0, random.Next(90) == 0));
        }
        aggregator.Record(Observation.CountsOnly(_mobileToApi, T0 + TimeSpan.FromMinutes(3), count: 25, errors: 1, denied: 0));
        var stored = Enumerable.Range(0, 15).SelectMany(m => aggregator.Minute(T0 + TimeSpan.FromMinutes(m))).ToList();

        foreach (var (include, maxPoints) in new (Func<EdgeKey, bool>, int)[] { (k => k.Destination == "api", 15), (k => k == _apiToDb, 5), (k => k == WebToApi, 3) })
        {
            // Live steps of 6, 18 and 30 buckets; replayed steps of 1, 3 and 5 minutes.
            var live = aggregator.Series(AggregationWindows.FifteenMinutes, include, maxPoints);
            var replayed = Rollups.Series(stored, end, AggregationWindows.FifteenMinutes, include, maxPoints);

            // The live last step is still one tick short of its end.
            Assert.Equal(replayed.Select(p => p with { Width = TimeSpan.Zero }), live.Select(p => p with { Width = TimeSpan.Zero }));
            Assert.Equal(replayed.Select(p => p.Width).SkipLast(1), live.Select(p => p.Width).SkipLast(1));
            Assert.Equal(replayed[^1].Width - TimeSpan.FromTicks(1), live[^1].Width);
        }
        Assert.Contains(aggregator.Series(AggregationWindows.FifteenMinutes, k => true, 15), p => p.Requests == 0 && p.P95Milliseconds is null);
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(15, 60)]
    [InlineData(7_200, 60)]
    [InlineData(60, 0)]
    public void Series_InvalidWindowOrMaxPoints_Throws(int seconds, int maxPoints)
    {
        var (aggregator, _) = Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => aggregator.Series(TimeSpan.FromSeconds(seconds), k => true, maxPoints));
    }

    private static void AssertMilliseconds(double expectedMs, double? actualMs)
    {
        Assert.NotNull(actualMs);
        Assert.InRange(actualMs.Value, expectedMs * 0.999, expectedMs * 1.001);
    }
}
