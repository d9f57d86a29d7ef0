using System.Globalization;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Policies.Rollouts;

/// <summary>What the rollout does next.</summary>
public enum RolloutMove
{
    /// <summary>Keep the current weights and look again later.</summary>
    Hold,

    /// <summary>The gate passed: write the next step's weights.</summary>
    Promote,

    /// <summary>The gate passed and the next step is the last: write it, the rollout has succeeded.</summary>
    Complete,

    /// <summary>The gate failed: send everything back to the stable subset.</summary>
    RollBack,
}

/// <summary>One subset's figures over the gate's window.</summary>
public sealed record GateSide(long Calls, double ErrorPercent, double? P99Milliseconds)
{
    public static GateSide Of(SubsetStats? stats) =>
        stats is null ? new GateSide(0, 0, null) : new GateSide(stats.Requests, stats.ErrorPercent, stats.P99Milliseconds);
}

/// <summary>What the gate saw and concluded: <c>hold</c>, <c>pass</c> or <c>fail</c>.</summary>
public sealed record GateFigures(GateSide Canary, GateSide Stable, string Verdict, DateTimeOffset At);

/// <summary>The next move, the step it leads to, why, and the figures it was judged on.</summary>
public sealed record RolloutDecision(RolloutMove Move, int Step, string Message, GateFigures Gate);

/// <summary>
/// The pure rule of a running rollout. A step runs for the plan's interval; then, once the canary had
/// at least the minimum of calls over the gate's window and the stable subset had some to compare
/// with, the gate compares them: an error % more than the allowed excess above the stable's, or a p99
/// more than the allowed ratio of the stable's, rolls back; otherwise the next step is taken. Reaching
/// the last step ends the rollout. Until the interval is over, or while calls are too few, it holds.
/// </summary>
public static class RolloutMachine
{
    public static RolloutDecision Decide(RolloutPlan plan, int step, DateTimeOffset stepStartedAt, DateTimeOffset now, SubsetStats? canary, SubsetStats? stable)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, plan.Steps.Count);
        var c = GateSide.Of(canary);
        var s = GateSide.Of(stable);
        var label = $"step {step + 1} of {plan.Steps.Count} ({plan.Canary} at {plan.Steps[step]} %)";

        var due = stepStartedAt + plan.Interval;
        if (now < due)
            return Hold($"{label}: judged at {due.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
        if (c.Calls < plan.MinCalls)
            return Hold($"{label}: waiting for calls, {plan.Canary} had {c.Calls} of the {plan.MinCalls} needed to judge");
        if (s.Calls == 0)
            return Hold($"{label}: no call of {plan.Stable} to compare with");

        var excess = c.ErrorPercent - s.ErrorPercent;
        if (excess > plan.MaxErrorExcessPercent)
        {
            return Decision(RolloutMove.RollBack, step, "fail",
                $"rolled back at {label}: {plan.Canary}'s error rate {Number(c.ErrorPercent)} % is {Number(excess)} points above {plan.Stable}'s {Number(s.ErrorPercent)} % (at most {Number(plan.MaxErrorExcessPercent)} allowed)");
        }

        if (c.P99Milliseconds is { } cp && s.P99Milliseconds is { } sp && sp > 0 && cp / sp > plan.MaxP99Ratio)
        {
            return Decision(RolloutMove.RollBack, step, "fail",
                $"rolled back at {label}: {plan.Canary}'s p99 {Number(cp)} ms is {Number(cp / sp)} × {plan.Stable}'s {Number(sp)} ms (at most {Number(plan.MaxP99Ratio)} × allowed)");
        }

        var next = step + 1;
        var passed = $"gate passed at {label}: error {Number(c.ErrorPercent)} % vs {Number(s.ErrorPercent)} %, p99 {Milliseconds(c.P99Milliseconds)} vs {Milliseconds(s.P99Milliseconds)}";
        return next == plan.Steps.Count - 1
            ? Decision(RolloutMove.Complete, next, "pass", $"{passed}; {plan.Canary} now at {plan.Steps[next]} %, rollout complete")
            : Decision(RolloutMove.Promote, next, "pass", $"{passed}; {plan.Canary} now at {plan.Steps[next]} %");

        RolloutDecision Hold(string message) => Decision(RolloutMove.Hold, step, "hold", message);

        RolloutDecision Decision(RolloutMove move, int to, string verdict, string message) =>
            new(move, to, message, new GateFigures(c, s, verdict, now));
    }

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Milliseconds(double? value) => value is { } v ? $"{Number(v)} ms" : "none";
}
