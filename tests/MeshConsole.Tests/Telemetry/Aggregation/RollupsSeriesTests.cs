using MeshConsole.Telemetry.Aggregation;
using static MeshConsole.Tests.Telemetry.Aggregation.AggregatorTestData;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class RollupsSeriesTests
{
    private static readonly EdgeKey _apiToDb = new("api", "db", "grpc");
    private static readonly DateTimeOffset _end = T0 + AggregationWindows.FiveMinutes;

    [Fact]
    public void Series_Minutes_CountsPerMinuteStepOldestFirstWithEmptySteps()
    {
        EdgeMinute[] minutes =
        [
            new(WebToApi, T0, 120, 6, 0, [new(TimeSpan.FromMilliseconds(8), 100)]),
            new(WebToApi, T0 + TimeSpan.FromMinutes(3), 60, 0, 3, []),
            new(_apiToDb, T0 + TimeSpan.FromMinutes(3), 500, 500, 0, []),
        ];

        var series = Rollups.Series(minutes, _end, AggregationWindows.FiveMinutes, k => k == WebToApi);

        Assert.Equal(Enumerable.Range(0, 5).Select(m => T0 + TimeSpan.FromMinutes(m)), series.Select(p => p.Start));
        Assert.All(series, p => Assert.Equal(AggregationWindows.OneMinute, p.Width));
        Assert.Equal([120L, 0, 0, 60, 0], series.Select(p => p.Requests));
        Assert.Equal([2, 0, 0, 1, 0], series.Select(p => p.RequestsPerSecond));
        Assert.Equal([5, 0, 0, 0, 0], series.Select(p => p.ErrorPercent));
        Assert.Equal([0L, 0, 0, 3, 0], series.Select(p => p.Denied));
        Assert.InRange(series[0].P95Milliseconds!.Value, 8, 8.008);
        Assert.Equal([null, null, null, null], series.Skip(1).Select(p => p.P95Milliseconds));
    }

    [Fact]
    public void Series_StepNotDividingWindow_OldestStepNarrower()
    {
        EdgeMinute[] minutes = [.. Enumerable.Range(0, 5).Select(m => new EdgeMinute(WebToApi, T0 + TimeSpan.FromMinutes(m), m + 1, 0, 0, []))];

        var series = Rollups.Series(minutes, _end, AggregationWindows.FiveMinutes, k => true, maxPoints: 2);

        Assert.Equal([T0, T0 + TimeSpan.FromMinutes(2)], series.Select(p => p.Start));
        Assert.Equal([TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3)], series.Select(p => p.Width));
        Assert.Equal([3L, 12], series.Select(p => p.Requests));
    }

    [Fact]
    public void Series_MinutesOutsideWindowAndReplicas_OutsideLeftOutReplicasAddUp()
    {
        var minute = new EdgeMinute(WebToApi, T0 + TimeSpan.FromMinutes(4), 10, 1, 0, []);
        EdgeMinute[] minutes = [minute, minute, minute with { Minute = T0 - TimeSpan.FromMinutes(1) }, minute with { Minute = _end }];

        var series = Rollups.Series(minutes, _end, AggregationWindows.FiveMinutes, k => true);

        Assert.Equal([0L, 0, 0, 0, 20], series.Select(p => p.Requests));
    }

    [Theory]
    [InlineData(0, 0, 60)]
    [InlineData(90, 0, 60)]
    [InlineData(300, 0, 0)]
    public void Series_WindowNotWholeMinutesOrNoPoints_Throws(int seconds, int endSeconds, int maxPoints) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Rollups.Series([], _end + TimeSpan.FromSeconds(endSeconds), TimeSpan.FromSeconds(seconds), k => true, maxPoints));

    [Fact]
    public void Series_EndNotWholeMinute_Throws() =>
        Assert.Throws<ArgumentException>(() => Rollups.Series([], _end + TimeSpan.FromSeconds(1), AggregationWindows.FiveMinutes, k => true));

    [Fact]
    public void Series_InconsistentMinute_Throws() =>
        Assert.Throws<ArgumentException>(() =>
            Rollups.Series([new EdgeMinute(WebToApi, T0, 1, 2, 0, [])], _end, AggregationWindows.FiveMinutes, k => true));
}
