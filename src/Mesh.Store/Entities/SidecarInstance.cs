namespace Mesh.Store.Entities;

/// <summary>
/// A sidecar the console has seen. Live state is in memory; this row lets a restarted console keep
/// handing out the instance's endpoint until it reconnects, instead of an empty list.
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
}
