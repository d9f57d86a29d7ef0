using Mesh.Policy.Validation;
using Mesh.Store.Entities;

namespace MeshConsole.Experiments;

public enum ExperimentOutcomeKind
{
    Done,
    Invalid,
    Forbidden,
    NotFound,

    /// <summary>The experiment is no longer running, or its target's faults kept changing.</summary>
    Conflict,
}

/// <summary>How a start or a stop ended: the experiment, or field errors and a message.</summary>
public sealed record ExperimentOutcome(ExperimentOutcomeKind Kind, Experiment? Experiment, IReadOnlyList<ValidationError> Errors, string? Message)
{
    public bool Succeeded => Kind == ExperimentOutcomeKind.Done;

    public static ExperimentOutcome Done(Experiment experiment) => new(ExperimentOutcomeKind.Done, experiment, [], null);

    public static ExperimentOutcome Invalid(IReadOnlyList<ValidationError> errors, string? message = null) =>
        new(ExperimentOutcomeKind.Invalid, null, errors,
            message ?? (errors.Count == 1 ? errors[0].ToString() : $"{errors.Count} fields need attention"));

    public static ExperimentOutcome Refused(ExperimentOutcomeKind kind, string message, Experiment? experiment = null) =>
        new(kind, experiment, [], message);
}
