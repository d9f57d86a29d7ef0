using Mesh.Contracts.V1;
using Mesh.Policy.Access;
using Mesh.Policy.Faults;
using Mesh.Policy.Resilience;
using Mesh.Policy.Routing;
using MeshSidecar.Identity;

namespace MeshSidecar.Snapshots;

/// <summary>A destination service as this sidecar enforces it.</summary>
internal sealed record ServiceRoute(
    string Name,
    CompiledRoutePolicy? Routes,
    ResiliencePolicy? Resilience,
    CompiledFaultPolicy? Faults,
    IReadOnlyList<Mesh.Contracts.V1.Endpoint> Endpoints)
{
    /// <summary>Fully qualified gRPC services whose calls go to this service.</summary>
    public IReadOnlyList<string> GrpcServices { get; init; } = [];
}

/// <summary>A snapshot that passed validation: immutable, swapped whole.</summary>
internal sealed record AppliedSnapshot(Snapshot Message, IReadOnlyDictionary<string, ServiceRoute> Services, AccessPolicy? Access)
{
    /// <summary>The trust anchors, revoked serials and trust domain peers are judged by.</summary>
    public TrustBundle Trust { get; init; } = TrustBundle.Empty;

    public long Revision => Message.Revision;

    public string Hash => Message.Hash;
}
