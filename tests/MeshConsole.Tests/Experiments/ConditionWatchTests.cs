using MeshConsole.Experiments;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Experiments;

public sealed class ConditionWatchTests
{
    private static readonly AbortCondition _condition = new("orders", "payments", 20, TimeSpan.FromSeconds(10));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Observe_AboveForTheWholeTime_TripsAtExactlyThatTime()
    {
        var watch = new ConditionWatch(_condition);

        Assert.False(watch.Observe(_clock.GetUtcNow(), Errors(50)));
        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(watch.Observe(_clock.GetUtcNow(), Errors(50)));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(watch.Observe(_clock.GetUtcNow(), Errors(40)));
        Assert.Equal(40, watch.LastErrorPercent);
    }

    [Fact]
    public void Observe_DipBelowInBetween_StartsTheCountAgain()
    {
        var watch = new ConditionWatch(_condition);
        watch.Observe(_clock.GetUtcNow(), Errors(50));
        _clock.Advance(TimeSpan.FromSeconds(8));
        watch.Observe(_clock.GetUtcNow(), Errors(10));
        _clock.Advance(TimeSpan.FromSeconds(1));
        watch.Observe(_clock.GetUtcNow(), Errors(50));

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(watch.Observe(_clock.GetUtcNow(), Errors(50)));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(watch.Observe(_clock.GetUtcNow(), Errors(50)));
    }

    [Fact]
    public void Observe_ExactlyAtTheThreshold_DoesNotHold()
    {
        var watch = new ConditionWatch(_condition);
        watch.Observe(_clock.GetUtcNow(), Errors(20));
        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.False(watch.Observe(_clock.GetUtcNow(), Errors(20)));
        Assert.Null(watch.HeldSince);
    }

    [Fact]
    public void Observe_NoCallsOrNoReading_DoesNotHold()
    {
        var watch = new ConditionWatch(_condition);
        watch.Observe(_clock.GetUtcNow(), Errors(90));
        _clock.Advance(TimeSpan.FromSeconds(5));
        watch.Observe(_clock.GetUtcNow(), CallFigures.None);
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.False(watch.Observe(_clock.GetUtcNow(), null));
        Assert.Null(watch.HeldSince);
    }

    [Fact]
    public void Includes_OnlyTheEdgeNamed_AnyProtocol()
    {
        Assert.True(_condition.Includes(new EdgeKey("orders", "payments", "grpc")));
        Assert.False(_condition.Includes(new EdgeKey("frontend", "payments", "http")));
        Assert.False(_condition.Includes(new EdgeKey("payments", "orders", "http")));
    }

    [Fact]
    public void ToString_ReadsAsTheFormSaysIt() =>
        Assert.Equal("error % on orders→payments above 20 for 10 s", _condition.ToString());

    private static CallFigures Errors(double percent) => new(100, (long)percent, 10, percent, 1, 2);
}
