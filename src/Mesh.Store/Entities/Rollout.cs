namespace Mesh.Store.Entities;

/// <summary>Where a progressive rollout stands.</summary>
public enum RolloutState
{
    /// <summary>Taking steps: each interval its gate is judged and the next step written.</summary>
    Running,

    /// <summary>An operator paused it: the current weights stay, no step is taken until it resumes.</summary>
    Paused,

    /// <summary>Every step passed: the canary takes the last step's share.</summary>
    Succeeded,

    /// <summary>The gate failed: all traffic went back to the stable subset.</summary>
    RolledBack,

    /// <summary>An operator stopped it: all traffic went back to the stable subset.</summary>
    Aborted,
}

/// <summary>
/// A progressive rollout of a canary subset against a stable one on a service's catch-all route rule:
/// the plan (steps, interval, gate), where it stands, and the figures of its last judgement. Each change
/// to a running rollout bumps <see cref="Version"/>, checked on write, so that of two console replicas
/// ticking at once only one takes a step.
/// </summary>
public sealed class Rollout
{
    public long Id { get; set; }

    public string Service { get; set; } = "";

    public string CanarySubset { get; set; } = "";

    public string StableSubset { get; set; } = "";

    /// <summary>The canary's percent at each step, ascending, e.g. <c>5,25,50,100</c>.</summary>
    public string Steps { get; set; } = "";

    public int IntervalSeconds { get; set; }

    /// <summary>The most the canary's error % may exceed the stable's, in percentage points.</summary>
    public double MaxErrorExcessPercent { get; set; }

    /// <summary>The most the canary's p99 may be, as a multiple of the stable's.</summary>
    public double MaxP99Ratio { get; set; }

    /// <summary>Calls of the canary needed in an interval before it is judged.</summary>
    public int MinCalls { get; set; }

    /// <summary>The step in force (0-based).</summary>
    public int StepIndex { get; set; }

    public DateTimeOffset StepStartedAt { get; set; }

    public RolloutState State { get; set; }

    /// <summary>What happened last, in words: a wait, a promotion, or why it rolled back.</summary>
    public string Message { get; set; } = "";

    /// <summary>The figures of the last judgement as JSON (canary and stable calls, error %, p99, verdict); null before the first.</summary>
    public string? Gate { get; set; }

    /// <summary>The route revision the rollout wrote last.</summary>
    public long? LastRevision { get; set; }

    public string StartedBy { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public string Reason { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Grows with every change; a write naming an older one is refused (optimistic concurrency).</summary>
    public long Version { get; set; }
}
