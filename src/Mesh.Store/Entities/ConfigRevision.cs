using Mesh.Policy.Documents;

namespace Mesh.Store.Entities;

/// <summary>One change to what the mesh enforces, written in the same transaction as the change.</summary>
public sealed class ConfigRevision
{
    /// <summary>Global, gap-free, in commit order.</summary>
    public long Number { get; set; }

    public DateTimeOffset At { get; set; }

    public string Actor { get; set; } = "";

    public ConfigKind Kind { get; set; }

    public string Target { get; set; } = "";

    public RevisionAction Action { get; set; }

    /// <summary>The spec before the change; null when the change created the document.</summary>
    public string? Before { get; set; }

    /// <summary>The spec after the change; null when the change deleted the document.</summary>
    public string? After { get; set; }

    public string Reason { get; set; } = "";

    /// <summary>The revision this one reverted, if it was a revert.</summary>
    public long? RevertOf { get; set; }
}

/// <summary>What a revision did to its document.</summary>
public enum RevisionAction
{
    Create,
    Update,
    Delete,
}
