namespace Mesh.Policy.Validation;

/// <summary>Who validates: the console when an operator writes, or a sidecar when it applies a snapshot.</summary>
public enum ValidationMode
{
    /// <summary>A write: everything must hold now, e.g. a fault's expiry lies ahead.</summary>
    Authoring,

    /// <summary>A snapshot being applied: time-bound rules that have lapsed are inactive, not errors.</summary>
    Enforcing,
}
