namespace Mesh.Store.Entities;

/// <summary>
/// A sidecar the console has seen. Live state is in memory on the replica holding its stream; this row lets a
/// restarted console keep handing out the instance's endpoint until it reconnects, and lets every replica show
/// the whole fleet's sync state, not only the sidecars connected to it.
/// </summary>
public sealed class SidecarInstance
{
    public string InstanceId { get; set; } = "";

    public string Service { get; set; } = "";

    public string Address { get; set; } = "";

    public int Port { get; set; }

    /// <summary>Instance labels as a JSON object.</summary>
    public string Labels { get; set; } = "{}";

    public string Build { get; set; } = "";

    public DateTimeOffset ConnectedAt { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public bool Connected { get; set; }

    /// <summary>The revision of the snapshot the sidecar serves: the last it acknowledged, or from disk; null: none yet.</summary>
    public long? AppliedRevision { get; set; }

    /// <summary>The revision of the last snapshot it refused, when that came after the one it applied.</summary>
    public long? RefusedRevision { get; set; }

    /// <summary>Why it refused <see cref="RefusedRevision"/>.</summary>
    public string? RefusedError { get; set; }
}
