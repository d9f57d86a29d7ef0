using Mesh.Policy.Documents;
using Mesh.Policy.Routing;
using Mesh.Policy.Snapshots;

namespace MeshConsole.Topology;

/// <summary>What the mesh knows of a service besides its traffic: its instances and the subsets its routes declare.</summary>
public sealed record ServiceShape(string Name, IReadOnlyList<InstanceEndpoint> Instances, IReadOnlyList<SubsetShape> Subsets)
{
    /// <summary>Every service of <paramref name="snapshot"/> by name (none before the first snapshot).</summary>
    public static IReadOnlyDictionary<string, ServiceShape> Of(MeshSnapshot? snapshot) =>
        snapshot is null
            ? new Dictionary<string, ServiceShape>(StringComparer.Ordinal)
            : snapshot.Services.ToDictionary(s => s.Name, Of, StringComparer.Ordinal);

    private static ServiceShape Of(ServiceSnapshot service)
    {
        if (service.RoutesJson is null)
            return new ServiceShape(service.Name, service.Endpoints, []);

        var routes = ConfigDocuments.Deserialize<RoutePolicy>(service.RoutesJson);
        // The weights shown are the catch-all rule's: what a request matching no header or path rule gets.
        var catchAll = routes.Rules.LastOrDefault(r => r.Match is null);
        var subsets = routes.Subsets
            .Select(subset => new SubsetShape(
                subset.Name,
                catchAll?.Destinations.FirstOrDefault(d => d.Subset == subset.Name)?.Weight ?? (catchAll is null ? null : 0),
                service.Endpoints.Count(e => subset.Labels.All(l => e.Labels.TryGetValue(l.Key, out var v) && v == l.Value))))
            .ToList();
        return new ServiceShape(service.Name, service.Endpoints, subsets);
    }
}

/// <summary>
/// One subset of a service: the catch-all rule's weight for it (null when every rule has a match) and
/// how many known instances carry its labels.
/// </summary>
public sealed record SubsetShape(string Name, int? Weight, int Instances);
