using MeshConsole.Policies.Rollouts;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Policies.Rollouts;

public sealed class RolloutMachineTests
{
    private static readonly RolloutPlan _plan = new("v2", "v1", [5, 25, 50, 100], TimeSpan.FromMinutes(1), MaxErrorExcessPercent: 1, MaxP99Ratio: 1.5, MinCalls: 50);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Decide_IntervalNotOver_HoldsSayingWhen()
    {
        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromSeconds(59));

        var decision = RolloutMachine.Decide(_plan, 0, started, _clock.GetUtcNow(), Stats(500, 0, 10), Stats(9500, 0, 10));

        Assert.Equal(RolloutMove.Hold, decision.Move);
        Assert.Equal(0, decision.Step);
        Assert.Equal("step 1 of 4 (v2 at 5 %): judged at 10:01:00 UTC", decision.Message);
        Assert.Equal("hold", decision.Gate.Verdict);
    }

    [Fact]
    public void Decide_IntervalOver_GatePasses_PromotesToNextStep()
    {
        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(1));

        var decision = RolloutMachine.Decide(_plan, 0, started, _clock.GetUtcNow(), Stats(60, 1.5, 12), Stats(1140, 1, 10));

        Assert.Equal(RolloutMove.Promote, decision.Move);
        Assert.Equal(1, decision.Step);
        Assert.Equal("pass", decision.Gate.Verdict);
        Assert.Equal(60, decision.Gate.Canary.Calls);
        Assert.Contains("v2 now at 25 %", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PassBeforeTheLastStep_Completes()
    {
        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(2));

        var decision = RolloutMachine.Decide(_plan, 2, started, _clock.GetUtcNow(), Stats(600, 0, 10), Stats(600, 0, 10));

        Assert.Equal(RolloutMove.Complete, decision.Move);
        Assert.Equal(3, decision.Step);
        Assert.EndsWith("v2 now at 100 %, rollout complete", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ErrorExcessAboveTheAllowed_RollsBackSayingWhy()
    {
        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(1));

        var decision = RolloutMachine.Decide(_plan, 1, started, _clock.GetUtcNow(), Stats(300, 2.6, 10), Stats(900, 1.5, 10));

        Assert.Equal(RolloutMove.RollBack, decision.Move);
        Assert.Equal("fail", decision.Gate.Verdict);
        Assert.Equal("rolled back at step 2 of 4 (v2 at 25 %): v2's error rate 2.6 % is 1.1 points above v1's 1.5 % (at most 1 allowed)", decision.Message);
    }

    [Fact]
    public void Decide_ErrorExcessExactlyTheAllowed_Passes()
    {
        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(1));

        var decision = RolloutMachine.Decide(_plan, 1, started, _clock.GetUtcNow(), Stats(300, 2.5, 10), Stats(900, 1.5, 10));

        Assert.Equal(RolloutMove.Promote, decision.Move);
    }

    [Fact]
    public void Decide_P99AboveTheAllowedRatio_RollsBack()
    {
        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(1));

        var decision = RolloutMachine.Decide(_plan, 0, started, _clock.GetUtcNow(), Stats(100, 0, 40), Stats(1900, 0, 25));

        Assert.Equal(RolloutMove.RollBack, decision.Move);
        Assert.Contains("v2's p99 40 ms is 1.6 × v1's 25 ms (at most 1.5 × allowed)", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_TooFewCanaryCalls_HoldsPastTheInterval()
    {
        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(10));

        var decision = RolloutMachine.Decide(_plan, 0, started, _clock.GetUtcNow(), Stats(49, 100, 900), Stats(1000, 0, 10));

        Assert.Equal(RolloutMove.Hold, decision.Move);
        Assert.Contains("v2 had 49 of the 50 needed", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NoCanaryOrStableCalls_Holds()
    {
        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(1));

        var noCanary = RolloutMachine.Decide(_plan, 0, started, _clock.GetUtcNow(), null, Stats(1000, 0, 10));
        var noStable = RolloutMachine.Decide(_plan, 0, started, _clock.GetUtcNow(), Stats(100, 0, 10), null);

        Assert.Equal(RolloutMove.Hold, noCanary.Move);
        Assert.Equal(0, noCanary.Gate.Canary.Calls);
        Assert.Equal(RolloutMove.Hold, noStable.Move);
        Assert.Contains("no call of v1 to compare with", noStable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NoLatencyOnEitherSide_JudgedOnErrorsAlone()
    {
        var started = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(1));

        var decision = RolloutMachine.Decide(_plan, 0, started, _clock.GetUtcNow(), Stats(100, 0, null), Stats(1000, 0, 10));

        Assert.Equal(RolloutMove.Promote, decision.Move);
        Assert.Contains("p99 none vs 10 ms", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_WholeRollout_StepByStepToComplete()
    {
        var steps = new List<int>();
        var step = 0;
        var started = _clock.GetUtcNow();
        for (var tick = 0; tick < 100 && steps.Count < 3; tick++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            var decision = RolloutMachine.Decide(_plan, step, started, _clock.GetUtcNow(), Stats(100, 0, 10), Stats(1000, 0, 10));
            if (decision.Move == RolloutMove.Hold)
                continue;
            steps.Add(_plan.Steps[decision.Step]);
            step = decision.Step;
            started = _clock.GetUtcNow();
        }

        Assert.Equal([25, 50, 100], steps);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 3, 0, TimeSpan.Zero), _clock.GetUtcNow());
    }

    private static SubsetStats Stats(long calls, double errorPercent, double? p99) =>
        new("x", calls, (long)(calls * errorPercent / 100), calls / 60.0, errorPercent, 0, p99 / 2, p99);
}
