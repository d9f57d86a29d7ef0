using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class ObservationTests
{
    private static readonly EdgeKey _edge = new("web", "api", "http");
    private static readonly DateTimeOffset _at = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Single_ErrorAndDenied_CountsOneOfEach()
    {
        var observation = Observation.Single(_edge, _at, TimeSpan.FromMilliseconds(12), isError: true, isDenied: true);

        Assert.Equal((1L, 1L, 1L), (observation.Count, observation.Errors, observation.Denied));
        Assert.Equal([new LatencySample(TimeSpan.FromMilliseconds(12), 1)], observation.Latencies);
    }

    [Fact]
    public void Histogram_BucketCounts_RecordedAtUpperBoundsAndOverflowAtLastBound()
    {
        var observation = Observation.Histogram(_edge, _at, [0.005, 0.01, 0.025], [3, 0, 5, 2], errors: 1, denied: 0);

        Assert.Equal(10, observation.Count);
        Assert.Equal(
            [
                new LatencySample(TimeSpan.FromMilliseconds(5), 3),
                new LatencySample(TimeSpan.FromMilliseconds(25), 5),
                new LatencySample(TimeSpan.FromMilliseconds(25), 2),
            ],
            observation.Latencies);
    }

    [Fact]
    public void Histogram_NoBounds_CountsWithoutLatency()
    {
        var observation = Observation.Histogram(_edge, _at, [], [7], errors: 0, denied: 0);

        Assert.Equal(7, observation.Count);
        Assert.Empty(observation.Latencies);
    }

    [Fact]
    public void Histogram_CountsNotOneMoreThanBounds_Throws() =>
        Assert.Throws<ArgumentException>(() => Observation.Histogram(_edge, _at, [0.1, 0.2], [1, 2], 0, 0));

    [Fact]
    public void Histogram_BoundsNotIncreasing_Throws() =>
        Assert.Throws<ArgumentException>(() => Observation.Histogram(_edge, _at, [0.2, 0.1], [1, 2, 3], 0, 0));

    [Fact]
    public void Histogram_MoreErrorsThanCalls_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Observation.Histogram(_edge, _at, [0.1], [1, 0], errors: 2, denied: 0));

    [Fact]
    public void Single_NegativeDuration_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Observation.Single(_edge, _at, TimeSpan.FromMilliseconds(-1), false, false));

    [Fact]
    public void Many_Durations_CountsEachWithItsLatency()
    {
        var observation = Observation.Many(_edge, _at, [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2)], errors: 1, denied: 0);

        Assert.Equal(2, observation.Count);
        Assert.Equal(2, observation.Latencies.Sum(l => l.Count));
    }
}
