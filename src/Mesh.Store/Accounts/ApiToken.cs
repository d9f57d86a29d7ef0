namespace Mesh.Store.Accounts;

/// <summary>
/// A personal API token. Only the SHA-256 hash of its value is kept; the value itself is shown once,
/// when the token is made.
/// </summary>
public sealed class ApiToken
{
    public long Id { get; set; }

    /// <summary>Unique in the mesh: revisions written with the token record <c>token:&lt;name&gt;</c> as their actor.</summary>
    public string Name { get; set; } = "";

    /// <summary>The <see cref="ConsoleUser"/> who owns it; the token never acts above the owner's role.</summary>
    public string OwnerId { get; set; } = "";

    /// <summary>viewer, operator or admin.</summary>
    public string Role { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the token's value.</summary>
    public string Hash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set when revoked; a revoked token is refused but kept so its name stays taken.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}
