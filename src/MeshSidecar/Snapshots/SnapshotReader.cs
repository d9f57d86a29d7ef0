using Mesh.Contracts.V1;
using Mesh.Policy.Access;
using Mesh.Policy.Documents;
using Mesh.Policy.Faults;
using Mesh.Policy.Resilience;
using Mesh.Policy.Routing;
using Mesh.Policy.Validation;
using MeshSidecar.Identity;

namespace MeshSidecar.Snapshots;

/// <summary>
/// Checks a pushed snapshot with the same code the console validates writes with, and compiles it.
/// Any error refuses the whole snapshot: half a mesh config is worse than the previous one.
/// </summary>
internal static class SnapshotReader
{
    public static (AppliedSnapshot? Snapshot, IReadOnlyList<string> Errors) Read(Snapshot message, ConfigDocuments documents)
    {
        var errors = new List<string>();
        var services = new Dictionary<string, ServiceRoute>(StringComparer.Ordinal);
        var grpcOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        if (message.Hash.Length == 0)
            errors.Add("snapshot.hash: empty");

        foreach (var service in message.Services)
        {
            var at = $"services[{service.Name}]";
            if (FieldRules.DnsLabel(service.Name) is { } nameError)
                errors.Add($"{at}.name: {nameError}");
            else if (services.ContainsKey(service.Name))
                errors.Add($"{at}: listed twice");

            var routes = Document<RoutePolicy>(documents, ConfigKind.Routes, service.RoutesJson, $"{at}.routes", errors);
            var resilience = Document<ResiliencePolicy>(documents, ConfigKind.Resilience, service.ResilienceJson, $"{at}.resilience", errors);
            var faults = Document<FaultPolicy>(documents, ConfigKind.Faults, service.FaultsJson, $"{at}.faults", errors);
            for (var i = 0; i < service.Endpoints.Count; i++)
            {
                var endpoint = service.Endpoints[i];
                if (FieldRules.HostName(endpoint.Address) is { } address)
                    errors.Add($"{at}.endpoints[{i}].address: {address}");
                if (!FieldRules.IsPort(endpoint.Port))
                    errors.Add($"{at}.endpoints[{i}].port: {endpoint.Port} is not a port");
            }

            foreach (var grpc in service.GrpcServices)
            {
                if (!grpcOwners.TryAdd(grpc, service.Name))
                    errors.Add($"{at}.grpc_services: \"{grpc}\" is also served by {grpcOwners[grpc]}");
            }

            services[service.Name] = new ServiceRoute(
                service.Name,
                routes is null ? null : new CompiledRoutePolicy(routes),
                resilience,
                faults is null ? null : new CompiledFaultPolicy(faults),
                service.Endpoints)
            {
                GrpcServices = [.. service.GrpcServices],
            };
        }

        var access = Document<AccessPolicy>(documents, ConfigKind.Access, message.AccessJson, "access", errors);
        var trust = TrustBundle.Read(message, errors);
        return errors.Count > 0 ? (null, errors) : (new AppliedSnapshot(message, services, access) { Trust = trust }, errors);
    }

    private static T? Document<T>(ConfigDocuments documents, ConfigKind kind, string json, string path, List<string> errors)
        where T : class
    {
        if (json.Length == 0)
            return null;
        var result = documents.Read(kind, json);
        if (result.Document is { Spec: T spec })
            return spec;
        errors.AddRange(result.Errors.Select(e => e.Field.Length == 0 ? $"{path}: {e.Reason}" : $"{path}.{e.Field}: {e.Reason}"));
        return null;
    }
}
