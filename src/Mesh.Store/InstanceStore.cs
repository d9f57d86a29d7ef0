using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Mesh.Store;

/// <summary>Keeps the registry's instances across console restarts.</summary>
public sealed class InstanceStore(MeshDbContext db)
{
    public async Task<IReadOnlyList<SidecarInstance>> ListAsync(CancellationToken ct = default) =>
        await db.SidecarInstances.AsNoTracking().OrderBy(i => i.InstanceId).ToListAsync(ct).ConfigureAwait(false);

    public async Task UpsertAsync(SidecarInstance instance, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var existing = await db.SidecarInstances.SingleOrDefaultAsync(i => i.InstanceId == instance.InstanceId, ct).ConfigureAwait(false);
        if (existing is null)
            db.SidecarInstances.Add(instance);
        else
            db.Entry(existing).CurrentValues.SetValues(instance);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        await ConfigChangeFeed.NotifyReplicasAsync(db, ConfigChangeFeed.RegistryPayload, ct).ConfigureAwait(false);
    }

    public async Task MarkDisconnectedAsync(string instanceId, DateTimeOffset at, CancellationToken ct = default)
    {
        await db.SidecarInstances.Where(i => i.InstanceId == instanceId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Connected, false).SetProperty(i => i.LastSeen, at), ct).ConfigureAwait(false);
        await ConfigChangeFeed.NotifyReplicasAsync(db, ConfigChangeFeed.RegistryPayload, ct).ConfigureAwait(false);
    }

    /// <summary>Records that the instance was heard from; no notification, as other replicas judge health by time.</summary>
    public Task TouchAsync(string instanceId, DateTimeOffset at, CancellationToken ct = default) =>
        db.SidecarInstances.Where(i => i.InstanceId == instanceId && i.Connected)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LastSeen, at), ct);

    /// <summary>
    /// Records an Ack (<paramref name="refusedRevision"/> null) or a Nack, so every replica shows the sidecar's
    /// sync state. An older answer arriving late never overwrites a newer one.
    /// </summary>
    public async Task RecordSyncAsync(
        string instanceId, long? appliedRevision, long? refusedRevision, string? refusedError, CancellationToken ct = default)
    {
        var newest = refusedRevision ?? appliedRevision ?? 0;
        await db.SidecarInstances
            .Where(i => i.InstanceId == instanceId && (i.AppliedRevision == null || i.AppliedRevision <= newest)
                        && (i.RefusedRevision == null || i.RefusedRevision <= newest))
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.AppliedRevision, appliedRevision)
                .SetProperty(i => i.RefusedRevision, refusedRevision)
                .SetProperty(i => i.RefusedError, refusedError), ct).ConfigureAwait(false);
        await ConfigChangeFeed.NotifyReplicasAsync(db, ConfigChangeFeed.SyncPayload, ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string instanceId, CancellationToken ct = default)
    {
        await db.SidecarInstances.Where(i => i.InstanceId == instanceId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        await ConfigChangeFeed.NotifyReplicasAsync(db, ConfigChangeFeed.RegistryPayload, ct).ConfigureAwait(false);
    }
}
