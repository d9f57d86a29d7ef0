using MeshConsole.Telemetry.Aggregation;
using static MeshConsole.Tests.Telemetry.Aggregation.AggregatorTestData;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class TopologyAggregatorCallsTests
{
    [Fact]
    public void Calls_SpanOfBuckets_SumsTheEdgesPicked_RatedOverTheSpan()
    {
        var (aggregator, clock) = Create();
        var webToDb = new EdgeKey("web", "db", "http");
        clock.SetUtcNow(T0.AddSeconds(40));
        for (var i = 0; i < 10; i++)
            aggregator.Record(Call(WebToApi, T0.AddSeconds(i), milliseconds: i + 1, isError: i < 3));
        aggregator.Record(Call(webToDb, T0.AddSeconds(1)));
        aggregator.Record(Call(WebToApi, T0.AddSeconds(25)));

        var calls = aggregator.Calls(T0, T0.AddSeconds(20), k => k == WebToApi);

        Assert.NotNull(calls);
        Assert.Equal(10, calls.Requests);
        Assert.Equal(3, calls.Errors);
        Assert.Equal(30, calls.ErrorPercent);
        Assert.Equal(0.5, calls.RequestsPerSecond);
        Assert.Equal(5, calls.P50Milliseconds!.Value, 1);
        Assert.Equal(10, calls.P99Milliseconds!.Value, 1);
    }

    [Fact]
    public void Calls_SpanStillRunning_RatedOverWhatHasPassed()
    {
        var (aggregator, clock) = Create();
        clock.SetUtcNow(T0.AddSeconds(4));
        aggregator.Record(Call(WebToApi, T0.AddSeconds(1)));
        aggregator.Record(Call(WebToApi, T0.AddSeconds(2)));

        var calls = aggregator.Calls(T0, T0.AddSeconds(60), _ => true)!;

        Assert.Equal(0.5, calls.RequestsPerSecond);
    }

    [Fact]
    public void Calls_SpanOlderThanTheRetention_Null()
    {
        var (aggregator, clock) = Create();
        clock.SetUtcNow(T0.AddHours(2));

        Assert.Null(aggregator.Calls(T0, T0.AddMinutes(1), _ => true));
    }

    [Fact]
    public void Calls_SpanBeforeTheAggregatorStarted_Null()
    {
        var (aggregator, _) = Create();

        Assert.Null(aggregator.Calls(aggregator.StartedAt.AddMinutes(-1), aggregator.StartedAt.AddMinutes(1), _ => true));
    }

    [Fact]
    public void Calls_NoCall_ZeroWithoutQuantiles()
    {
        var (aggregator, _) = Create();

        var calls = aggregator.Calls(T0.AddSeconds(-30), T0, _ => true)!;

        Assert.Equal(0, calls.Requests);
        Assert.Null(calls.P99Milliseconds);
    }
}
