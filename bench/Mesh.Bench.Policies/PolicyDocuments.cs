using System.Text.Json;
using Mesh.Policy.Faults;
using Mesh.Policy.Routing;
using Mesh.Policy.Serialization;
using Mesh.Policy.Validation;

namespace Mesh.Bench.Policies;

/// <summary>Policies read from their JSON and validated as the sidecar does before it compiles them.</summary>
public static class PolicyDocuments
{
    public static CompiledRoutePolicy Routes(string json)
    {
        var policy = JsonSerializer.Deserialize<RoutePolicy>(json, PolicyJson.Options)!;
        ThrowIfInvalid(RoutePolicyValidator.Validate(policy));
        return new CompiledRoutePolicy(policy);
    }

    public static CompiledFaultPolicy Faults(string json)
    {
        var policy = JsonSerializer.Deserialize<FaultPolicy>(json, PolicyJson.Options)!;
        ThrowIfInvalid(new FaultPolicyValidator(TimeProvider.System).Validate(policy));
        return new CompiledFaultPolicy(policy);
    }

    private static void ThrowIfInvalid(IReadOnlyList<ValidationError> errors)
    {
        if (errors.Count > 0)
            throw new InvalidOperationException($"invalid bench policy: {string.Join("; ", errors)}");
    }
}
