using System.Globalization;
using Mesh.Policy.Documents;
using Mesh.Policy.Faults;
using Mesh.Policy.Validation;

namespace MeshConsole.Experiments;

/// <summary>Checks an <see cref="ExperimentRequest"/> field by field and reports every problem at once.</summary>
public static class ExperimentRequestValidator
{
    public const int MaxNameLength = 100;
    public const int MaxHeaderValueLength = 200;

    /// <summary>Shortest experiment: one telemetry bucket (10 s), or its figures would say nothing.</summary>
    public const int MinDurationSeconds = 10;

    /// <summary>Longest experiment: the longest a fault may live.</summary>
    public static readonly int MaxDurationSeconds = (int)FaultPolicyValidator.MaxLifetime.TotalSeconds;

    /// <summary>The condition is read from 10-second buckets: holding it for less than one is not observable.</summary>
    public const int MinConditionSeconds = 10;

    public const int MaxConditionSeconds = 3600;

    /// <summary>Every field error of <paramref name="request"/>; empty when it can be started.</summary>
    public static IReadOnlyList<ValidationError> Validate(ExperimentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ValidationError>();
        void Add(string field, string? reason)
        {
            if (reason is not null)
                errors.Add(new ValidationError(field, reason));
        }

        Add("name", string.IsNullOrWhiteSpace(request.Name) ? "required: name the experiment"
            : request.Name.Length > MaxNameLength ? $"at most {MaxNameLength} characters" : null);
        Add("target", FieldRules.DnsLabel(request.Target));
        if (!string.IsNullOrEmpty(request.SourceService))
            Add("sourceService", FieldRules.DnsLabel(request.SourceService));
        ValidateHeader(request, Add);
        ValidateFault(request, Add);
        Add("durationSeconds", request.DurationSeconds is not { } duration ? "required"
            : FieldRules.Range(duration, MinDurationSeconds, MaxDurationSeconds));
        if (request.HasCondition)
            ValidateCondition(request, Add);
        Add("reason", string.IsNullOrWhiteSpace(request.Reason) ? "required: say why, for the history"
            : request.Reason.Length > ConfigRequest.MaxReasonLength ? $"at most {ConfigRequest.MaxReasonLength} characters" : null);
        return errors;
    }

    private static void ValidateHeader(ExperimentRequest request, Action<string, string?> add)
    {
        var hasName = !string.IsNullOrEmpty(request.HeaderName);
        var hasValue = !string.IsNullOrEmpty(request.HeaderValue);
        if (hasName)
            add("headerName", FieldRules.HeaderName(request.HeaderName));
        if (hasValue && !hasName)
            add("headerName", "required with a header value");
        if (hasName && !hasValue)
            add("headerValue", "required with a header name");
        if (request.HeaderValue is { Length: > MaxHeaderValueLength })
            add("headerValue", $"at most {MaxHeaderValueLength} characters");
    }

    private static void ValidateFault(ExperimentRequest request, Action<string, string?> add)
    {
        var hasDelay = request.DelayMs is not null || request.DelayPercent is not null;
        var hasAbort = request.AbortHttpStatus is not null || request.AbortGrpcStatus is not null || request.AbortPercent is not null;
        if (!hasDelay && !hasAbort)
        {
            add("fault", "set a delay, an abort or both");
            return;
        }

        if (hasDelay)
        {
            add("delayMs", request.DelayMs is not { } ms ? "required with a delay percent" : FieldRules.Range(ms, 1, 60_000));
            add("delayPercent", request.DelayPercent is not { } p ? "required with a delay" : FieldRules.Percent(p));
        }

        if (hasAbort)
        {
            if (request.AbortHttpStatus is null == request.AbortGrpcStatus is null)
                add("abortHttpStatus", "set exactly one of an HTTP status or a gRPC status");
            if (request.AbortHttpStatus is { } http)
                add("abortHttpStatus", FieldRules.Range(http, 400, 599));
            if (request.AbortGrpcStatus is { } grpc)
                add("abortGrpcStatus", FieldRules.Range(grpc, 1, 16));
            add("abortPercent", request.AbortPercent is not { } p ? "required with an abort" : FieldRules.Percent(p));
        }
    }

    private static void ValidateCondition(ExperimentRequest request, Action<string, string?> add)
    {
        add("conditionSource", FieldRules.DnsLabel(request.ConditionSource));
        add("conditionDestination", FieldRules.DnsLabel(request.ConditionDestination));
        add("conditionErrorPercent", request.ConditionErrorPercent is not { } percent ? "required"
            : percent is > 0 and < 100 ? null
            : $"{percent.ToString(CultureInfo.InvariantCulture)} is not above 0 and below 100");
        add("conditionForSeconds", request.ConditionForSeconds is not { } seconds ? "required"
            : FieldRules.Range(seconds, MinConditionSeconds, MaxConditionSeconds));
    }
}
