using Mesh.Policy.Validation;

namespace Mesh.Policy.Services;

/// <summary>Checks a service's name and <see cref="ServiceSpec"/>.</summary>
public static partial class ServiceSpecValidator
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

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var grpc = spec.GrpcServices ?? [];
        for (var i = 0; i < grpc.Count; i++)
        {
            var at = ErrorCollector.Index("grpcServices", i);
            if (grpc[i] is not { Length: > 0 and <= 255 } name || !GrpcServiceName().IsMatch(name))
                errors.Add(at, $"\"{grpc[i]}\" is not a fully qualified gRPC service name (e.g. shop.v1.Orders)");
            else if (!seen.Add(name))
                errors.Add(at, $"\"{name}\" is listed twice");
        }

        return errors.Errors;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    private static partial System.Text.RegularExpressions.Regex GrpcServiceName();
}
