using Mesh.Policy.Documents;
using Mesh.Policy.Validation;

namespace MeshConsole.Policies.Rollouts;

/// <summary>
/// What an operator asks for when starting a rollout; absent numbers take the defaults of
/// <see cref="RolloutPlan"/>. The same shape in the REST body and the editor's form.
/// </summary>
public sealed record RolloutRequest
{
    public string? Canary { get; init; }

    public string? Stable { get; init; }

    public IReadOnlyList<int>? Steps { get; init; }

    public int? IntervalSeconds { get; init; }

    public double? MaxErrorExcessPercent { get; init; }

    public double? MaxP99Ratio { get; init; }

    public int? MinCalls { get; init; }

    public string? Reason { get; init; }
}

/// <summary>
/// A rollout's plan: the canary's percent at each step, how long each step runs before its gate is
/// judged, and the gate: the canary may exceed the stable subset's error % by at most
/// <see cref="MaxErrorExcessPercent"/> points and its p99 by at most <see cref="MaxP99Ratio"/> times,
/// judged once it had at least <see cref="MinCalls"/> calls in the interval.
/// </summary>
public sealed record RolloutPlan(
    string Canary, string Stable, IReadOnlyList<int> Steps, TimeSpan Interval, double MaxErrorExcessPercent, double MaxP99Ratio, int MinCalls)
{
    public static readonly IReadOnlyList<int> DefaultSteps = [5, 25, 50, 100];
    public const int DefaultIntervalSeconds = 60;
    public const double DefaultMaxErrorExcessPercent = 1;
    public const double DefaultMaxP99Ratio = 1.5;
    public const int DefaultMinCalls = 50;

    /// <summary>The shortest interval: the telemetry's buckets are 10 s wide.</summary>
    public const int MinIntervalSeconds = 10;

    /// <summary>The longest interval: the telemetry keeps an hour.</summary>
    public const int MaxIntervalSeconds = 3600;

    public const int MaxSteps = 20;

    /// <summary>The plan <paramref name="request"/> asks for, or every field error in it (paths as the request names them).</summary>
    public static (RolloutPlan? Plan, IReadOnlyList<ValidationError> Errors) From(RolloutRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ValidationError>();
        if (FieldRules.DnsLabel(request.Canary) is { } canary)
            errors.Add(new("canary", canary));
        if (FieldRules.DnsLabel(request.Stable) is { } stable)
            errors.Add(new("stable", stable));
        else if (request.Stable == request.Canary)
            errors.Add(new("stable", "must differ from the canary"));

        var steps = request.Steps ?? DefaultSteps;
        if (steps.Count is 0 or > MaxSteps)
            errors.Add(new("steps", $"1 to {MaxSteps} steps, was {steps.Count}"));
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is < 1 or > 100)
                errors.Add(new($"steps[{i}]", $"{steps[i]} is not a percent from 1 to 100"));
            else if (i > 0 && steps[i] <= steps[i - 1])
                errors.Add(new($"steps[{i}]", $"{steps[i]} does not grow from the step before ({steps[i - 1]})"));
        }

        var interval = request.IntervalSeconds ?? DefaultIntervalSeconds;
        if (interval is < MinIntervalSeconds or > MaxIntervalSeconds)
            errors.Add(new("intervalSeconds", $"{interval} is not from {MinIntervalSeconds} to {MaxIntervalSeconds} seconds"));
        var excess = request.MaxErrorExcessPercent ?? DefaultMaxErrorExcessPercent;
        if (!double.IsFinite(excess) || excess is < 0 or > 100)
            errors.Add(new("maxErrorExcessPercent", $"{excess} is not from 0 to 100 percentage points"));
        var ratio = request.MaxP99Ratio ?? DefaultMaxP99Ratio;
        if (!double.IsFinite(ratio) || ratio is < 1 or > 100)
            errors.Add(new("maxP99Ratio", $"{ratio} is not from 1 to 100 (times the stable subset's p99)"));
        var minCalls = request.MinCalls ?? DefaultMinCalls;
        if (minCalls is < 1 or > 1_000_000)
            errors.Add(new("minCalls", $"{minCalls} is not from 1 to 1000000"));
        if (string.IsNullOrWhiteSpace(request.Reason))
            errors.Add(new("reason", "required: say why, for the history"));
        else if (request.Reason.Length > ConfigRequest.MaxReasonLength)
            errors.Add(new("reason", $"at most {ConfigRequest.MaxReasonLength} characters"));

        return errors.Count > 0
            ? (null, errors)
            : (new RolloutPlan(request.Canary!, request.Stable!, [.. steps], TimeSpan.FromSeconds(interval), excess, ratio, minCalls), []);
    }

    /// <summary>
    /// The telemetry window the gate reads: the interval in whole 10-second buckets, rounded up, and one bucket
    /// more, at most the hour the telemetry keeps. A window ends with the bucket under way, which has only
    /// begun at times; the extra bucket keeps the whole interval in it (and up to 10 s of the step before).
    /// </summary>
    public TimeSpan GateWindow
    {
        get
        {
            var bucket = TimeSpan.FromSeconds(10).Ticks;
            var ticks = ((Interval.Ticks + bucket - 1) / bucket * bucket) + bucket;
            return TimeSpan.FromTicks(Math.Min(ticks, TimeSpan.FromSeconds(MaxIntervalSeconds).Ticks));
        }
    }
}
