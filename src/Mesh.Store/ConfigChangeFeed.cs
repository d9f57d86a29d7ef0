using Microsoft.EntityFrameworkCore;

namespace Mesh.Store;

/// <summary>
/// Announces committed revisions, registry and identity changes to whoever recompiles from them (the control
/// plane): those of this process directly, those of other replicas through Postgres NOTIFY.
/// Handlers must be quick and must not throw.
/// </summary>
public sealed class ConfigChangeFeed
{
    /// <summary>The Postgres channel replicas notify each other on.</summary>
    public const string Channel = "mesh_changes";

    /// <summary>Payload prefix of a committed revision ("config:42").</summary>
    public const string ConfigPrefix = "config:";

    /// <summary>Payload of a registry change.</summary>
    public const string RegistryPayload = "registry";

    /// <summary>Payload of a sidecar's Ack or Nack: views of the fleet redraw; nothing is recompiled.</summary>
    public const string SyncPayload = "sync";

    /// <summary>Payload of a change to workload identity: a CA rotated or retired, an instance revoked or readmitted.</summary>
    public const string IdentityPayload = "identity";

    public event Action<long>? Committed;

    public event Action? IdentityChanged;

    public event Action? RegistryChanged;

    /// <summary>A sidecar connected to another replica acknowledged or refused a snapshot.</summary>
    public event Action? SyncChanged;

    public void Publish(long revision) => Committed?.Invoke(revision);

    public void PublishRegistryChange() => RegistryChanged?.Invoke();

    public void PublishIdentityChange() => IdentityChanged?.Invoke();

    public void PublishSyncChange() => SyncChanged?.Invoke();

    /// <summary>Sends <paramref name="payload"/> to the other replicas when the store is Postgres; delivered at commit.</summary>
    internal static async Task NotifyReplicasAsync(MeshDbContext db, string payload, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {payload})", ct).ConfigureAwait(false);
    }
}
