namespace Mesh.Policy.Documents;

/// <summary>The kinds of configuration the mesh stores, each revisioned the same way.</summary>
public enum ConfigKind
{
    /// <summary>A service's description; its name is the target. Policies need their service to exist.</summary>
    Service,

    /// <summary>A <see cref="Routing.RoutePolicy"/> of one destination service.</summary>
    Routes,

    /// <summary>A <see cref="Resilience.ResiliencePolicy"/> of one destination service.</summary>
    Resilience,

    /// <summary>A <see cref="Faults.FaultPolicy"/> of one destination service.</summary>
    Faults,

    /// <summary>The mesh-wide <see cref="Access.AccessPolicy"/>; its target is always <see cref="ConfigKinds.MeshTarget"/>.</summary>
    Access,
}
