using MeshConsole.Policies.Rollouts;

namespace MeshConsole.Tests.Policies.Rollouts;

public sealed class RolloutPlanTests
{
    [Fact]
    public void From_OnlySubsetsAndReason_Defaults()
    {
        var (plan, errors) = RolloutPlan.From(new RolloutRequest { Canary = "v2", Stable = "v1", Reason = "ship v2" });

        Assert.Empty(errors);
        Assert.Equal([5, 25, 50, 100], plan!.Steps);
        Assert.Equal(TimeSpan.FromMinutes(1), plan.Interval);
        Assert.Equal((1.0, 1.5, 50), (plan.MaxErrorExcessPercent, plan.MaxP99Ratio, plan.MinCalls));
    }

    [Theory]
    [InlineData(null, "v1", "canary", "required")]
    [InlineData("V2", "v1", "canary", "is not a DNS label")]
    [InlineData("v2", "", "stable", "required")]
    [InlineData("v2", "v2", "stable", "must differ from the canary")]
    public void From_BadSubsets_ErrorNamesTheField(string? canary, string? stable, string field, string reason)
    {
        var (plan, errors) = RolloutPlan.From(new RolloutRequest { Canary = canary, Stable = stable, Reason = "r" });

        Assert.Null(plan);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new int[0], "steps", "1 to 20 steps")]
    [InlineData(new[] { 5, 0 }, "steps[1]", "0 is not a percent")]
    [InlineData(new[] { 5, 101 }, "steps[1]", "101 is not a percent")]
    [InlineData(new[] { 25, 25 }, "steps[1]", "does not grow")]
    [InlineData(new[] { 50, 10 }, "steps[1]", "does not grow")]
    public void From_BadSteps_ErrorNamesTheStep(int[] steps, string field, string reason)
    {
        var (_, errors) = RolloutPlan.From(new RolloutRequest { Canary = "v2", Stable = "v1", Steps = steps, Reason = "r" });

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void From_NumbersOutOfRange_EachNamed()
    {
        var (_, errors) = RolloutPlan.From(new RolloutRequest
        {
            Canary = "v2",
            Stable = "v1",
            IntervalSeconds = 5,
            MaxErrorExcessPercent = -1,
            MaxP99Ratio = 0.5,
            MinCalls = 0,
            Reason = " ",
        });

        Assert.Equal(["intervalSeconds", "maxErrorExcessPercent", "maxP99Ratio", "minCalls", "reason"], errors.Select(e => e.Field));
    }

    [Fact]
    public void From_NotANumber_Refused()
    {
        var (_, errors) = RolloutPlan.From(new RolloutRequest { Canary = "v2", Stable = "v1", MaxP99Ratio = double.NaN, Reason = "r" });

        Assert.Equal("maxP99Ratio", Assert.Single(errors).Field);
    }

    [Theory]
    [InlineData(10, 20)]
    [InlineData(15, 30)]
    [InlineData(60, 70)]
    [InlineData(3600, 3600)]
    public void GateWindow_IntervalInWholeBucketsRoundedUp_AndOneMore_AtMostAnHour(int intervalSeconds, int windowSeconds)
    {
        var plan = new RolloutPlan("v2", "v1", [100], TimeSpan.FromSeconds(intervalSeconds), 1, 1.5, 1);

        Assert.Equal(TimeSpan.FromSeconds(windowSeconds), plan.GateWindow);
    }
}
