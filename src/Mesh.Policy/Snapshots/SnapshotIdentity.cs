namespace Mesh.Policy.Snapshots;

/// <summary>The workload-identity part of a snapshot: whom a sidecar trusts and whom it no longer does.</summary>
/// <param name="TrustDomain">The SPIFFE trust domain, e.g. <c>mesh.local</c>; empty when the mesh has no CA.</param>
/// <param name="TrustAnchors">CA certificates (DER) peers' certificates may chain to, newest first.</param>
/// <param name="RevokedSerials">Serials (upper-case hex) of revoked certificates not yet expired, ordered.</param>
public sealed record SnapshotIdentity(string TrustDomain, IReadOnlyList<byte[]> TrustAnchors, IReadOnlyList<string> RevokedSerials)
{
    /// <summary>No CA, nothing revoked.</summary>
    public static SnapshotIdentity None { get; } = new("", [], []);
}
