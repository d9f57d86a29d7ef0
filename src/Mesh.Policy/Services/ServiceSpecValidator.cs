using Mesh.Policy.Validation;

namespace Mesh.Policy.Services;

/// <summary>Checks a service's name and <see cref="ServiceSpec"/>.</summary>
public static class ServiceSpecValidator
{
    /// <summary>Every error in <paramref name="spec"/>; empty when it can be stored.</summary>
    public static IReadOnlyList<ValidationError> Validate(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new ErrorCollector();
        if (spec.Owner is null || spec.Owner.Length > 200)
            errors.Add("owner", "must be a string of at most 200 characters");
        if (spec.Description is null || spec.Description.Length > 2000)
            errors.Add("description", "must be a string of at most 2000 characters");
        return errors.Errors;
    }
}
