namespace MeshConsole.Experiments;

/// <summary>
/// What a user asks for when starting an experiment, from the form or <c>POST /api/experiments</c>. Flat, so
/// every field error names one input. Delay and abort may be combined; the condition's four fields go together.
/// </summary>
public sealed record ExperimentRequest
{
    public string? Name { get; init; }

    /// <summary>The service whose inbound calls get the fault (injected in its callers' sidecars).</summary>
    public string? Target { get; init; }

    /// <summary>Only calls from this service; empty for every caller.</summary>
    public string? SourceService { get; init; }

    /// <summary>Only requests with this header equal to <see cref="HeaderValue"/>.</summary>
    public string? HeaderName { get; init; }

    public string? HeaderValue { get; init; }

    public int? DelayMs { get; init; }

    public double? DelayPercent { get; init; }

    public int? AbortHttpStatus { get; init; }

    public int? AbortGrpcStatus { get; init; }

    public double? AbortPercent { get; init; }

    public int? DurationSeconds { get; init; }

    /// <summary>Abort early when the error % of the calls ConditionSource → ConditionDestination ...</summary>
    public string? ConditionSource { get; init; }

    public string? ConditionDestination { get; init; }

    /// <summary>... is above this ...</summary>
    public double? ConditionErrorPercent { get; init; }

    /// <summary>... for this many seconds.</summary>
    public int? ConditionForSeconds { get; init; }

    /// <summary>Why: recorded in the revision that adds the fault.</summary>
    public string? Reason { get; init; }

    public bool HasCondition =>
        !string.IsNullOrEmpty(ConditionSource) || !string.IsNullOrEmpty(ConditionDestination)
        || ConditionErrorPercent is not null || ConditionForSeconds is not null;
}
