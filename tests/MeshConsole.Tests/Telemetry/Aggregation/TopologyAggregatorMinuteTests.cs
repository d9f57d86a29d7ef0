using HdrHistogram;
using MeshConsole.Telemetry.Aggregation;
using static MeshConsole.Tests.Telemetry.Aggregation.AggregatorTestData;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class TopologyAggregatorMinuteTests
{
    private static readonly EdgeKey _apiToDb = new("api", "db", "grpc");
    private static readonly DateTimeOffset _minute = T0 + TimeSpan.FromMinutes(1);

    // Only its shape is read (LowestEquivalentValue), never its counts.
    private static readonly LongHistogram _shape = new(600_000_000, 3);

    [Fact]
    public void Minute_CallsInAndAroundTheMinute_ReturnsOnlyThatMinute()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromMinutes(3));
        aggregator.Record(Call(WebToApi, _minute - TimeSpan.FromTicks(1), 5));
        aggregator.Record(Call(WebToApi, _minute, 1, isError: true));
        aggregator.Record(Call(WebToApi, _minute + TimeSpan.FromSeconds(25), 250));
        aggregator.Record(Call(WebToApi, _minute + TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1), 1, isDenied: true));
        aggregator.Record(Observation.CountsOnly(_apiToDb, _minute + TimeSpan.FromSeconds(40), count: 3, errors: 0, denied: 1));
        aggregator.Record(Call(_apiToDb, _minute + TimeSpan.FromMinutes(1), 7));

        var minutes = aggregator.Minute(_minute);

        // Sorted by edge: "api" before "web".
        Assert.Equal(2, minutes.Count);
        var (api, web) = (minutes[0], minutes[1]);
        Assert.Equal((_apiToDb, _minute, 3L, 0L, 1L), (api.Key, api.Minute, api.Requests, api.Errors, api.Denied));
        Assert.Empty(api.Latencies);
        Assert.Equal((WebToApi, _minute, 3L, 1L, 1L), (web.Key, web.Minute, web.Requests, web.Errors, web.Denied));
        Assert.Equal([new LatencySample(Filed(1), 2), new LatencySample(Filed(250), 1)], web.Latencies);
    }

    [Fact]
    public void Minute_NeighbouringMinutes_HoldOnlyTheirOwnCalls()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromMinutes(3));
        aggregator.Record(Call(WebToApi, _minute - TimeSpan.FromTicks(1), 5));
        aggregator.Record(Call(WebToApi, _minute, 1));
        aggregator.Record(Call(_apiToDb, _minute + TimeSpan.FromMinutes(1), 7));

        var before = Assert.Single(aggregator.Minute(_minute - TimeSpan.FromMinutes(1)));
        var after = Assert.Single(aggregator.Minute(_minute + TimeSpan.FromMinutes(1)));

        Assert.Equal((WebToApi, 1L), (before.Key, before.Requests));
        Assert.Equal([new LatencySample(Filed(5), 1)], before.Latencies);
        Assert.Equal((_apiToDb, 1L), (after.Key, after.Requests));
        Assert.Equal([new LatencySample(Filed(7), 1)], after.Latencies);
    }

    [Fact]
    public void Minute_ManyLatencies_FewDistinctFiledValuesAscending()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromMinutes(2));
        var random = new Random(3);
        for (var i = 0; i < 10_000; i++)
        {
            aggregator.Record(Call(WebToApi, _minute + TimeSpan.FromMilliseconds(6 * i), 100 + (random.NextDouble() * 100)));
        }

        var latencies = Assert.Single(aggregator.Minute(_minute)).Latencies;

        Assert.Equal(10_000, latencies.Sum(l => l.Count));
        // 3 significant digits: HdrHistogram files 100–200 ms under about 1,000 values (steps of 64 µs up to
        // 131,072 µs, of 128 µs above), however many calls there are.
        Assert.InRange(latencies.Count, 1, 1_030);
        Assert.All(latencies.Zip(latencies.Skip(1)), pair => Assert.True(pair.First.Duration < pair.Second.Duration));
        Assert.All(latencies, l => Assert.Equal(Filed(l.Duration.TotalMilliseconds), l.Duration));
    }

    [Fact]
    public void Minute_OffsetOnWholeUtcMinute_ReturnsTheUtcMinute()
    {
        var (aggregator, clock) = Create();
        clock.Advance(TimeSpan.FromMinutes(2));
        aggregator.Record(Call(WebToApi, _minute));

        var edge = Assert.Single(aggregator.Minute(_minute.ToOffset(TimeSpan.FromHours(5.5))));

        Assert.Equal(_minute, edge.Minute);
        Assert.Equal(TimeSpan.Zero, edge.Minute.Offset);
    }

    [Fact]
    public void Minute_OlderThanRetention_Empty()
    {
        var (aggregator, clock) = Create();
        aggregator.Record(Call(WebToApi, T0));

        clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        Assert.Equal(1, Assert.Single(aggregator.Minute(T0)).Requests);

        // Nothing was recorded since, so the slot still holds the old slice: it must not be read.
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Empty(aggregator.Minute(T0));
    }

    [Fact]
    public void Minute_AnHourAhead_EmptyThoughItsSlotsHoldThisHour()
    {
        var (aggregator, _) = Create();
        aggregator.Record(Call(WebToApi, T0));

        Assert.Empty(aggregator.Minute(T0 + TimeSpan.FromHours(1)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10 * TimeSpan.TicksPerSecond)]
    [InlineData(30 * TimeSpan.TicksPerSecond)]
    public void Minute_NotWholeUtcMinute_Throws(long ticksIntoMinute)
    {
        var (aggregator, _) = Create();

        Assert.Throws<ArgumentException>(() => aggregator.Minute(T0 - TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(ticksIntoMinute)));
    }

    [Fact]
    public void Minute_BucketWidthNotDividingMinute_Throws()
    {
        var (aggregator, _) = Create(new TopologyAggregatorOptions { BucketWidth = TimeSpan.FromSeconds(40), Retention = TimeSpan.FromMinutes(40) });

        Assert.Throws<ArgumentException>(() => aggregator.Minute(T0));
    }

    // The value HdrHistogram files a latency of this many milliseconds under.
    private static TimeSpan Filed(double milliseconds) =>
        TimeSpan.FromMicroseconds(_shape.LowestEquivalentValue((long)Math.Round(milliseconds * 1000)));
}
