using HdrHistogram;
using MeshConsole.Telemetry.Aggregation;
using static MeshConsole.Tests.Telemetry.Aggregation.AggregatorTestData;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class TopologyAggregatorLatencyTests
{
    [Fact]
    public void Snapshot_UniformOneToThousandMs_QuantilesWithinHdrPrecision()
    {
        var (aggregator, _) = Create();
        for (var ms = 1; ms <= 1000; ms++)
        {
            aggregator.Record(Call(WebToApi, T0, ms));
        }

        var edge = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);

        // HdrHistogram reports the top of the value's 3-significant-digit bucket: at most 0.1 % above it.
        AssertQuantile(500, edge.P50Milliseconds);
        AssertQuantile(950, edge.P95Milliseconds);
        AssertQuantile(990, edge.P99Milliseconds);
    }

    [Fact]
    public void Snapshot_CallsSplitOverTwoBuckets_EqualsAllRecordedIntoOne()
    {
        var (split, _) = Create();
        var (single, _) = Create();
        var random = new Random(6);
        for (var i = 0; i < 5_000; i++)
        {
            var ms = Math.Exp(random.NextDouble() * 8);
            var isError = i % 7 == 0;
            split.Record(Call(WebToApi, i % 2 == 0 ? T0 - TimeSpan.FromSeconds(30) : T0, ms, isError));
            single.Record(Call(WebToApi, T0, ms, isError));
        }

        var merged = split.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);
        var direct = single.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);

        Assert.Equal(direct, merged);
    }

    [Fact]
    public void Snapshot_RandomLatencies_SameQuantilesAsOneHdrHistogramOfAllValues()
    {
        var (aggregator, _) = Create();
        var reference = new LongHistogram(600_000_000, 3);
        var random = new Random(42);
        // Spread over the last 50 s: at a bucket boundary the minute window is the 5 full buckets before it and the empty current one.
        for (var i = 0; i < 20_000; i++)
        {
            var micros = (long)Math.Exp(random.NextDouble() * 16);
            reference.RecordValue(micros);
            aggregator.Record(Observation.Single(WebToApi, T0 - TimeSpan.FromSeconds(i % 50), TimeSpan.FromMicroseconds(micros), false, false));
        }

        var edge = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);

        Assert.Equal(reference.GetValueAtPercentile(50) / 1000.0, edge.P50Milliseconds);
        Assert.Equal(reference.GetValueAtPercentile(95) / 1000.0, edge.P95Milliseconds);
        Assert.Equal(reference.GetValueAtPercentile(99) / 1000.0, edge.P99Milliseconds);
    }

    [Fact]
    public void Record_HistogramObservation_QuantilesAtBucketUpperBoundsAndOverflowAtLastBound()
    {
        var (aggregator, _) = Create();
        // Cumulative 10, 30, 60, 90, 96, 99, 100: p50 falls in the 25 ms bucket, p95 in the 100 ms one and
        // p99 in the 250 ms one; the one call above 250 ms counts at 250 ms.
        aggregator.Record(Observation.Histogram(WebToApi, T0, [0.005, 0.01, 0.025, 0.05, 0.1, 0.25], [10, 20, 30, 30, 6, 3, 1], errors: 4, denied: 0));

        var edge = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);

        Assert.Equal(100, edge.Requests);
        Assert.Equal(4, edge.ErrorPercent, 9);
        AssertQuantile(25, edge.P50Milliseconds);
        AssertQuantile(100, edge.P95Milliseconds);
        AssertQuantile(250, edge.P99Milliseconds);
    }

    [Fact]
    public void Record_HistogramAndSpansOnOneEdge_MergeIntoOneDistribution()
    {
        var (aggregator, _) = Create();
        aggregator.Record(Observation.Histogram(WebToApi, T0, [0.01], [99, 0], errors: 0, denied: 0));
        aggregator.Record(Call(WebToApi, T0, 400));

        var edge = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);

        Assert.Equal(100, edge.Requests);
        AssertQuantile(10, edge.P50Milliseconds);
        AssertQuantile(10, edge.P99Milliseconds);
    }

    [Fact]
    public void Record_LateCallsIntoCompactedBucket_CountWithTheRest()
    {
        var (aggregator, clock) = Create();
        var old = T0 - TimeSpan.FromSeconds(30);
        aggregator.Record(Call(WebToApi, old, 10));
        aggregator.Record(Call(WebToApi, T0, 10));
        aggregator.Snapshot(AggregationWindows.OneMinute);

        aggregator.Record(Call(WebToApi, old, 10));
        aggregator.Record(Call(WebToApi, old, 30));
        clock.Advance(TimeSpan.FromSeconds(20));
        aggregator.Record(Call(WebToApi, clock.GetUtcNow(), 30));
        aggregator.Record(Call(WebToApi, old, 30));

        var edge = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);
        Assert.Equal(6, edge.Requests);
        AssertQuantile(10, edge.P50Milliseconds);
        AssertQuantile(30, edge.P95Milliseconds);
    }

    [Fact]
    public void Record_CountsOnly_CountsWithoutQuantiles()
    {
        var (aggregator, _) = Create();
        aggregator.Record(Observation.CountsOnly(WebToApi, T0, count: 5, errors: 1, denied: 2));

        var edge = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);

        Assert.Equal((5L, 1L, 2L), (edge.Requests, edge.Errors, edge.Denied));
        Assert.Null(edge.P50Milliseconds);
        Assert.Null(edge.P99Milliseconds);
    }

    [Fact]
    public void Record_LatencyAboveTenMinutes_ClampedToHighestTrackable()
    {
        var (aggregator, _) = Create();
        aggregator.Record(Call(WebToApi, T0, TimeSpan.FromHours(2).TotalMilliseconds));

        var edge = aggregator.Snapshot(AggregationWindows.OneMinute).Edge(WebToApi);

        AssertQuantile(600_000, edge.P99Milliseconds);
    }

    private static void AssertQuantile(double expectedMs, double? actualMs)
    {
        Assert.NotNull(actualMs);
        Assert.InRange(actualMs.Value, expectedMs * 0.999, expectedMs * 1.001);
    }
}
