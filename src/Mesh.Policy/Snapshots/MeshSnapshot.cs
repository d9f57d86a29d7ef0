namespace Mesh.Policy.Snapshots;

/// <summary>One running instance of a service, as the registry knows it.</summary>
/// <param name="Service">The mesh service it belongs to.</param>
/// <param name="InstanceId">Unique per running sidecar.</param>
/// <param name="Address">Where peers reach its sidecar.</param>
/// <param name="Port">The sidecar's inbound port.</param>
/// <param name="Labels">Instance labels (version, zone, ...).</param>
/// <param name="Healthy">False while its sidecar has missed its heartbeats.</param>
public sealed record InstanceEndpoint(
    string Service, string InstanceId, string Address, int Port, IReadOnlyDictionary<string, string> Labels, bool Healthy);

/// <summary>One destination service in a snapshot: its policies as canonical JSON (null when absent), its instances, and the gRPC services it serves.</summary>
public sealed record ServiceSnapshot(
    string Name, string? RoutesJson, string? ResilienceJson, string? FaultsJson, IReadOnlyList<InstanceEndpoint> Endpoints)
{
    /// <summary>Fully qualified gRPC services declared on the service, ordered.</summary>
    public IReadOnlyList<string> GrpcServices { get; init; } = [];
}

/// <summary>Everything a sidecar enforces. Immutable; a new one replaces the old whole.</summary>
/// <param name="Revision">The latest configuration revision the content reflects.</param>
/// <param name="Hash">SHA-256 of the content (not of the revision): equal hashes, equal snapshots.</param>
/// <param name="Services">Every known service, ordered by name.</param>
/// <param name="AccessJson">The access policy as canonical JSON, null when none is written.</param>
public sealed record MeshSnapshot(long Revision, string Hash, IReadOnlyList<ServiceSnapshot> Services, string? AccessJson)
{
    /// <summary>Trust anchors, revoked serials and trust domain; covered by <see cref="Hash"/>.</summary>
    public SnapshotIdentity Identity { get; init; } = SnapshotIdentity.None;

    /// <summary>The snapshot of a mesh with nothing configured and nobody registered.</summary>
    public static MeshSnapshot Empty { get; } = SnapshotCompiler.Compile(0, [], []);
}
