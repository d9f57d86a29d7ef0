namespace Mesh.Store.Entities;

/// <summary>
/// A secret an admin hands to sidecars so they may join the mesh. Only its SHA-256 hash is kept:
/// the clear value is shown once, at creation.
/// </summary>
public sealed class JoinToken
{
    /// <summary>The scope of a token any service may use.</summary>
    public const string MeshScope = "*";

    public long Id { get; set; }

    /// <summary>Unique; how admins refer to it.</summary>
    public string Name { get; set; } = "";

    /// <summary>SHA-256 of the clear value, lower-case hex.</summary>
    public string Hash { get; set; } = "";

    /// <summary>The one service it admits, or <see cref="MeshScope"/> for any.</summary>
    public string Scope { get; set; } = MeshScope;

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>How many distinct instances may join with it; null for no limit.</summary>
    public int? MaxUses { get; set; }

    /// <summary>How many distinct instances joined with it.</summary>
    public int Uses { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    public List<JoinTokenUse> UsedBy { get; set; } = [];
}
