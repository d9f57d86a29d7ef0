using Mesh.Policy.Documents;

namespace Mesh.Store.Entities;

/// <summary>The current state of one configuration document: a service or one of its policies.</summary>
public sealed class ConfigObject
{
    public ConfigKind Kind { get; set; }

    /// <summary>The service the document belongs to, or <see cref="ConfigKinds.MeshTarget"/>.</summary>
    public string Target { get; set; } = "";

    /// <summary>Canonical JSON of the spec (jsonb on Postgres).</summary>
    public string Spec { get; set; } = "";

    /// <summary>Starts at 1 and grows with each change; writers name the version they saw.</summary>
    public long Version { get; set; }

    /// <summary>The revision that last changed the document.</summary>
    public long Revision { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";
}
