namespace Mesh.Store.Entities;

/// <summary>Where an experiment stands. Only <see cref="Running"/> moves on; the others are final.</summary>
public enum ExperimentState
{
    Running,

    /// <summary>Ran to its planned end.</summary>
    Completed,

    /// <summary>Ended early because its abort condition held.</summary>
    Aborted,

    /// <summary>Ended early by a user.</summary>
    Stopped,
}

/// <summary>
/// A fault-injection experiment: a fault rule named <c>exp-{Id}</c> in its target's fault policy
/// from <see cref="StartedAt"/> to <see cref="EndsAt"/> (the rule's own expiry, which sidecars hold
/// too), watched by the console's runner, with the figures it measured. <see cref="Version"/> guards
/// every change: of two console replicas ending it at once, one wins.
/// </summary>
public sealed class Experiment
{
    public long Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The service whose inbound calls get the fault.</summary>
    public string Target { get; set; } = "";

    /// <summary>Only calls from this service; null for every caller.</summary>
    public string? SourceService { get; set; }

    /// <summary>Only requests carrying this header with <see cref="HeaderValue"/> exactly; null for all.</summary>
    public string? HeaderName { get; set; }

    public string? HeaderValue { get; set; }

    public int? DelayMs { get; set; }

    public double? DelayPercent { get; set; }

    public int? AbortHttpStatus { get; set; }

    public int? AbortGrpcStatus { get; set; }

    public double? AbortPercent { get; set; }

    public int DurationSeconds { get; set; }

    /// <summary>The abort condition's edge source; the condition fields are all set or all null.</summary>
    public string? ConditionSource { get; set; }

    public string? ConditionDestination { get; set; }

    /// <summary>The error % of the edge above which the condition holds.</summary>
    public double? ConditionErrorPercent { get; set; }

    /// <summary>How long the condition must hold before the experiment is aborted.</summary>
    public int? ConditionForSeconds { get; set; }

    public ExperimentState State { get; set; }

    /// <summary>Why it was started, as recorded in the revision that added the fault.</summary>
    public string Reason { get; set; } = "";

    public string StartedBy { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The planned end: the fault rule's <c>expiresAt</c>.</summary>
    public DateTimeOffset EndsAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>The user who stopped it, or <c>console</c> for an end at expiry or by the condition.</summary>
    public string? EndedBy { get; set; }

    public string? EndReason { get; set; }

    /// <summary>The revision that added the fault rule.</summary>
    public long? StartRevision { get; set; }

    /// <summary>The revision that removed it; null while running, or when the rule was already gone.</summary>
    public long? EndRevision { get; set; }

    /// <summary>The fault rule is out of the policy (or was never written): nothing left to clean up.</summary>
    public bool FaultRemoved { get; set; }

    /// <summary>Before / during / after figures as JSON, written by the console; null until the end.</summary>
    public string? Figures { get; set; }

    /// <summary>Nothing is left for the console to do: the fault is removed and every figure is written.</summary>
    public bool Settled { get; set; }

    /// <summary>Bumped by every change; an update naming an older version changes nothing.</summary>
    public long Version { get; set; }
}
