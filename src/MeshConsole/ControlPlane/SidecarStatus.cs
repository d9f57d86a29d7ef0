namespace MeshConsole.ControlPlane;

/// <summary>Where a sidecar stands with the latest snapshot.</summary>
public enum SyncState
{
    /// <summary>It acknowledged the latest snapshot.</summary>
    Synced,

    /// <summary>It serves an older snapshot (a push is under way, or it has not answered).</summary>
    Stale,

    /// <summary>It refused the latest snapshot and keeps its previous one; see the error.</summary>
    Nacked,

    /// <summary>Its stream is gone.</summary>
    Disconnected,
}

/// <summary>One sidecar as the Sidecars page and <c>GET /api/sidecars</c> show it.</summary>
public sealed record SidecarStatus(
    string InstanceId,
    string Service,
    string Address,
    int InboundPort,
    IReadOnlyDictionary<string, string> Labels,
    string Build,
    bool Healthy,
    DateTimeOffset ConnectedSince,
    DateTimeOffset LastSeen,
    long AppliedRevision,
    long LatestRevision,
    SyncState State,
    string? Error);
