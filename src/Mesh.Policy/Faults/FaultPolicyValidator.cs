using Mesh.Policy.Validation;

namespace Mesh.Policy.Faults;

/// <summary>Checks a <see cref="FaultPolicy"/> and reports every problem at once.</summary>
/// <param name="time">The clock that decides whether an expiry lies in the future.</param>
/// <param name="mode">Authoring refuses expiries in the past; enforcing accepts them, as faults that are over.</param>
public sealed class FaultPolicyValidator(TimeProvider time, ValidationMode mode = ValidationMode.Authoring)
{
    /// <summary>Longest a fault may live: a forgotten fault must not outlive a week.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    /// <summary>Every error in <paramref name="policy"/>; empty when it can be applied.</summary>
    public IReadOnlyList<ValidationError> Validate(FaultPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new ErrorCollector();
        if (policy.Faults is null)
        {
            errors.Add("faults", "must not be null");
            return errors.Errors;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < policy.Faults.Count; i++)
        {
            var at = ErrorCollector.Index("faults", i);
            if (policy.Faults[i] is not { } fault)
            {
                errors.Add(at, "must not be null");
                continue;
            }

            if (fault.Name is not null)
            {
                if (FieldRules.DnsLabel(fault.Name) is { } nameError)
                    errors.Add(ErrorCollector.Join(at, "name"), nameError);
                else if (!names.Add(fault.Name))
                    errors.Add(ErrorCollector.Join(at, "name"), $"\"{fault.Name}\" is used by another fault");
            }

            ValidateFault(fault, at, errors);
        }

        return errors.Errors;
    }

    private void ValidateFault(FaultRule fault, string path, ErrorCollector errors)
    {
        if (fault.Delay is null && fault.Abort is null)
            errors.Add(path, "set a delay, an abort or both");

        if (fault.Delay is { } delay)
        {
            if (FieldRules.Range(delay.FixedMs, 1, 60_000) is { } msError)
                errors.Add(ErrorCollector.Join(path, "delay.fixedMs"), msError);
            if (FieldRules.Percent(delay.Percent) is { } percentError)
                errors.Add(ErrorCollector.Join(path, "delay.percent"), percentError);
        }

        if (fault.Abort is { } abort)
            ValidateAbort(abort, ErrorCollector.Join(path, "abort"), errors);

        if (fault.Match is { } match)
        {
            MatchRules.ValidateHeaders(match.Headers, ErrorCollector.Join(path, "match.headers"), errors);
            if (match.SourceService is not null && FieldRules.DnsLabel(match.SourceService) is { } sourceError)
                errors.Add(ErrorCollector.Join(path, "match.sourceService"), sourceError);
        }

        var now = time.GetUtcNow();
        if (fault.ExpiresAt is not { } expiresAt)
            errors.Add(ErrorCollector.Join(path, "expiresAt"), "required: every fault must end");
        else if (mode == ValidationMode.Enforcing)
            return;
        else if (expiresAt <= now)
            errors.Add(ErrorCollector.Join(path, "expiresAt"), $"{expiresAt:O} is not in the future");
        else if (expiresAt - now > MaxLifetime)
            errors.Add(ErrorCollector.Join(path, "expiresAt"), $"{expiresAt:O} is more than {MaxLifetime.TotalDays} days away");
    }

    private static void ValidateAbort(FaultAbort abort, string path, ErrorCollector errors)
    {
        if (abort.HttpStatus is null == abort.GrpcStatus is null)
            errors.Add(path, "set exactly one of httpStatus or grpcStatus");
        if (abort.HttpStatus is { } http && FieldRules.Range(http, 400, 599) is { } httpError)
            errors.Add(ErrorCollector.Join(path, "httpStatus"), httpError);
        if (abort.GrpcStatus is { } grpc && FieldRules.Range(grpc, 1, 16) is { } grpcError)
            errors.Add(ErrorCollector.Join(path, "grpcStatus"), grpcError);
        if (FieldRules.Percent(abort.Percent) is { } percentError)
            errors.Add(ErrorCollector.Join(path, "percent"), percentError);
    }
}
