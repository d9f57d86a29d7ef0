using Mesh.Policy.Validation;
using Mesh.Store.Entities;

namespace MeshConsole.Policies.Rollouts;

public enum RolloutOutcome
{
    Done,
    Invalid,
    Forbidden,
    NotFound,

    /// <summary>Another rollout of the service is active, or the rollout changed since it was read.</summary>
    Conflict,
}

/// <summary>How a start, pause, resume or abort ended: the rollout as it stands, or why not.</summary>
public sealed record RolloutResult(RolloutOutcome Outcome, Rollout? Rollout, IReadOnlyList<ValidationError> Errors, string? Message)
{
    public bool Succeeded => Outcome == RolloutOutcome.Done;

    public static RolloutResult Done(Rollout rollout) => new(RolloutOutcome.Done, rollout, [], null);

    public static RolloutResult Invalid(IReadOnlyList<ValidationError> errors) =>
        new(RolloutOutcome.Invalid, null, errors, string.Join("; ", errors));

    public static RolloutResult Refused(RolloutOutcome outcome, string message) => new(outcome, null, [], message);
}
