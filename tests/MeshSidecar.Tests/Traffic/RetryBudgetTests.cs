using MeshSidecar.Traffic;
using Microsoft.Extensions.Time.Testing;

namespace MeshSidecar.Tests.Traffic;

public sealed class RetryBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    private static void Call(RetryBudget budget, int times)
    {
        for (var i = 0; i < times; i++)
            budget.Called();
    }

    /// <summary>How many retries in a row the budget grants before its first refusal.</summary>
    private static int Granted(RetryBudget budget, int percent, int minPerSecond)
    {
        var granted = 0;
        while (budget.TryRetry(percent, minPerSecond))
        {
            granted++;
            Assert.True(granted <= 10_000, "the budget never refused");
        }

        return granted;
    }

    [Fact]
    public void TryRetry_NoCalls_AllowsTheFloor()
    {
        var budget = new RetryBudget(_time);

        Assert.Equal(3, Granted(budget, percent: 20, minPerSecond: 3));
    }

    [Fact]
    public void TryRetry_ZeroFloorAndNoCalls_Refuses()
    {
        var budget = new RetryBudget(_time);

        Assert.False(budget.TryRetry(percent: 20, minPerSecond: 0));
    }

    [Fact]
    public void TryRetry_ManyCallsInTheLastSecond_AllowsTheirPercent()
    {
        var budget = new RetryBudget(_time);
        Call(budget, 100);

        Assert.Equal(20, Granted(budget, percent: 20, minPerSecond: 3));
    }

    [Fact]
    public void TryRetry_PercentBelowFloor_AllowsTheFloor()
    {
        var budget = new RetryBudget(_time);
        Call(budget, 10);

        // 20 % of 10 calls is 2, under the floor of 3.
        Assert.Equal(3, Granted(budget, percent: 20, minPerSecond: 3));
    }

    [Fact]
    public void TryRetry_BeyondTheBudget_RefusesAndDoesNotCountTheRefusal()
    {
        var budget = new RetryBudget(_time);
        Call(budget, 100);
        Granted(budget, percent: 20, minPerSecond: 3);

        Assert.False(budget.TryRetry(20, 3));
        Assert.False(budget.TryRetry(20, 3));

        // Five more calls raise the budget to 21: exactly one more retry, so the refusals were not counted.
        Call(budget, 5);
        Assert.True(budget.TryRetry(20, 3));
        Assert.False(budget.TryRetry(20, 3));
    }

    [Fact]
    public void TryRetry_AfterOneSecondIdle_RetriesAreForgotten()
    {
        var budget = new RetryBudget(_time);
        Granted(budget, percent: 20, minPerSecond: 3);

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(3, Granted(budget, percent: 20, minPerSecond: 3));
    }

    [Fact]
    public void TryRetry_AfterOneSecondIdle_CallsAreForgotten()
    {
        var budget = new RetryBudget(_time);
        Call(budget, 100);

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(3, Granted(budget, percent: 20, minPerSecond: 3));
    }

    [Fact]
    public void TryRetry_CallsHalfASecondAgo_StillCount()
    {
        var budget = new RetryBudget(_time);
        Call(budget, 100);

        _time.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal(20, Granted(budget, percent: 20, minPerSecond: 3));
    }

    [Fact]
    public void TryRetry_SlotsPartiallyExpired_CountsOnlyTheLastSecond()
    {
        var budget = new RetryBudget(_time);
        Call(budget, 100);
        _time.Advance(TimeSpan.FromMilliseconds(600));
        Call(budget, 50);

        // The first 100 calls are now 1.1 s old, the 50 are 0.5 s old.
        _time.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal(10, Granted(budget, percent: 20, minPerSecond: 3));
    }

    [Fact]
    public void TryRetry_RetriesPartiallyExpired_CountsOnlyTheLastSecond()
    {
        var budget = new RetryBudget(_time);
        Call(budget, 100);
        Assert.True(budget.TryRetry(20, 3));
        _time.Advance(TimeSpan.FromMilliseconds(600));
        Call(budget, 100);
        Assert.Equal(39, Granted(budget, percent: 20, minPerSecond: 3));

        // The first 100 calls and 1 retry expire; 100 calls and 39 retries remain, over a budget of 20.
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(budget.TryRetry(20, 3));

        // And once those expire too, only the floor is left.
        _time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(3, Granted(budget, percent: 20, minPerSecond: 3));
    }

    [Fact]
    public void TryRetry_EveryFiftyMillisecondsForSeconds_KeepsAWindowOfOneSecond()
    {
        var budget = new RetryBudget(_time);

        // A steady 20 calls a second; a 50 % budget with no floor lets 10 retries a second through.
        var granted = 0;
        for (var tick = 0; tick < 200; tick++)
        {
            budget.Called();
            if (tick >= 100 && budget.TryRetry(percent: 50, minPerSecond: 0))
                granted++;
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        // Five seconds of steady state: about 10 retries a second, give or take a slot at each edge.
        Assert.InRange(granted, 45, 55);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(24 * 365)]
    public void TryRetry_JumpOfHours_DoesNotThrowAndForgetsEverything(int hours)
    {
        var budget = new RetryBudget(_time);
        Call(budget, 100);
        Granted(budget, percent: 20, minPerSecond: 3);

        _time.Advance(TimeSpan.FromHours(hours));
        budget.Called();

        Assert.Equal(3, Granted(budget, percent: 20, minPerSecond: 3));
    }
}
