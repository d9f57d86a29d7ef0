using Mesh.Policy.Faults;
using Mesh.Policy.Routing;
using Mesh.Policy.Validation;
using Mesh.Store.Entities;

namespace MeshConsole.Experiments;

/// <summary>
/// The fault rule an experiment owns in its target's fault policy, and the read-modify-write of that policy:
/// the rule is added or taken out, every other rule stays. Rules already expired are dropped on the way,
/// since the console refuses to write a policy holding an expiry in the past (sidecars ignore them anyway).
/// </summary>
public static class ExperimentFaults
{
    public static string RuleName(long experimentId) => $"exp-{experimentId}";

    public static FaultRule Rule(Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        FaultMatch? match = null;
        if (experiment.SourceService is not null || experiment.HeaderName is not null)
        {
            match = new FaultMatch
            {
                SourceService = experiment.SourceService,
                Headers = experiment.HeaderName is { } name
                    ? new Dictionary<string, StringMatch> { [name] = new StringMatch { Exact = experiment.HeaderValue } }
                    : new Dictionary<string, StringMatch>(),
            };
        }

        return new FaultRule
        {
            Name = RuleName(experiment.Id),
            Match = match,
            Delay = experiment.DelayMs is { } ms ? new FaultDelay { FixedMs = ms, Percent = experiment.DelayPercent ?? 0 } : null,
            Abort = experiment.AbortPercent is { } percent
                ? new FaultAbort { HttpStatus = experiment.AbortHttpStatus, GrpcStatus = experiment.AbortGrpcStatus, Percent = percent }
                : null,
            ExpiresAt = experiment.EndsAt,
        };
    }

    /// <summary><paramref name="current"/> (none: an empty policy) with <paramref name="rule"/> last, replacing a rule of its name.</summary>
    public static FaultPolicy With(FaultPolicy? current, FaultRule rule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new FaultPolicy { Faults = [.. Live(current, now).Where(f => f.Name != rule.Name), rule] };
    }

    /// <summary>
    /// <paramref name="current"/> without the rule named <paramref name="name"/>; null when no rule is left
    /// (the policy is deleted). <paramref name="found"/> says whether the rule was there.
    /// </summary>
    public static FaultPolicy? Without(FaultPolicy? current, string name, DateTimeOffset now, out bool found)
    {
        found = current?.Faults.Any(f => f.Name == name) ?? false;
        var rest = Live(current, now).Where(f => f.Name != name).ToList();
        return rest.Count == 0 ? null : new FaultPolicy { Faults = rest };
    }

    /// <summary>
    /// The experiment's form field a policy error belongs to, when it concerns the
    /// rule at <paramref name="index"/>; the path itself otherwise.
    /// </summary>
    public static ValidationError ToRequestField(ValidationError error, int index)
    {
        ArgumentNullException.ThrowIfNull(error);
        var prefix = $"faults[{index}]";
        if (!error.Field.StartsWith(prefix, StringComparison.Ordinal))
            return error;
        var rest = error.Field[prefix.Length..].TrimStart('.');
        var field = rest switch
        {
            "delay.fixedMs" => "delayMs",
            "delay.percent" => "delayPercent",
            "abort.httpStatus" or "abort" => "abortHttpStatus",
            "abort.grpcStatus" => "abortGrpcStatus",
            "abort.percent" => "abortPercent",
            "match.sourceService" => "sourceService",
            "expiresAt" => "durationSeconds",
            "name" => "name",
            "" => "fault",
            _ when rest.StartsWith("match.headers", StringComparison.Ordinal) => "headerName",
            _ => error.Field,
        };
        return error with { Field = field };
    }

    private static IEnumerable<FaultRule> Live(FaultPolicy? policy, DateTimeOffset now) =>
        (policy?.Faults ?? []).Where(f => f.ExpiresAt is not { } at || at > now);
}
