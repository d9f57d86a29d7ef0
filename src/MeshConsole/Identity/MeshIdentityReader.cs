using Mesh.Policy.Snapshots;
using Mesh.Store;
using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

/// <summary>What the identity part of a snapshot holds, and which instances are revoked.</summary>
internal sealed record MeshIdentity(SnapshotIdentity Snapshot, IReadOnlySet<string> RevokedInstances);

/// <summary>Reads the mesh's trust anchors and revocations for the snapshot publisher.</summary>
internal sealed class MeshIdentityReader(IOptions<IdentityOptions> options, TimeProvider time)
{
    public async Task<MeshIdentity> ReadAsync(IdentityStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var authorities = await store.TrustedAuthoritiesAsync(ct).ConfigureAwait(false);
        var serials = await store.RevokedSerialsAsync(time.GetUtcNow(), ct).ConfigureAwait(false);
        var revoked = await store.ListRevocationsAsync(ct).ConfigureAwait(false);
        return new MeshIdentity(
            new SnapshotIdentity(options.Value.TrustDomain, [.. authorities.Select(a => a.Certificate)], serials),
            revoked.Select(r => r.InstanceId).ToHashSet(StringComparer.Ordinal));
    }
}
