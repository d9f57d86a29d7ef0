using Mesh.Policy.Documents;
using Mesh.Policy.Services;
using Mesh.Store.Entities;

namespace MeshConsole.Policies;

/// <summary>A service with its description and the policy documents that belong to it.</summary>
public sealed record ServiceView(ConfigObject Service, ServiceSpec Spec, IReadOnlyList<ConfigObject> Policies)
{
    public string Name => Service.Target;
}

/// <summary>Groups the store's documents into services, for the Services page and GET /api/services.</summary>
public static class ServiceCatalog
{
    public static IReadOnlyList<ServiceView> Build(IReadOnlyList<ConfigObject> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var byTarget = documents.Where(o => o.Kind != ConfigKind.Service).ToLookup(o => o.Target);
        return documents
            .Where(o => o.Kind == ConfigKind.Service)
            .OrderBy(o => o.Target, StringComparer.Ordinal)
            .Select(o => new ServiceView(o, ConfigDocuments.Deserialize<ServiceSpec>(o.Spec), byTarget[o.Target].OrderBy(p => p.Kind).ToList()))
            .ToList();
    }
}
