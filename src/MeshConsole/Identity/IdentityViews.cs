namespace MeshConsole.Identity;

/// <summary>An instance that joined with a token, and when.</summary>
public sealed record JoinTokenUseView(string InstanceId, DateTimeOffset At);

/// <summary>A join token as listed, never with its value; its state is active, expired, used-up or revoked.</summary>
public sealed record JoinTokenView(
    string Name, string Scope, DateTimeOffset ExpiresAt, int? MaxUses, int Uses, IReadOnlyList<JoinTokenUseView> UsedBy,
    string State, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? RevokedBy);

/// <summary>A join token just created, with its value: shown this once.</summary>
public sealed record CreatedJoinToken(string Name, string Token, string Scope, DateTimeOffset ExpiresAt, int? MaxUses);

/// <summary>
/// One generation of the mesh CA: its state (active, previous or retired), the SHA-256 fingerprint
/// of its certificate, and its pin (<c>sha256:</c> of its public key) for sidecars' <c>--control-plane-ca-pin</c>.
/// </summary>
public sealed record AuthorityView(
    int Generation, string State, string Subject, string Fingerprint, string Pin, DateTimeOffset NotAfter, DateTimeOffset? RetireAt,
    DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>A workload certificate the CA issued that has not expired.</summary>
public sealed record IssuedCertificateView(
    string Serial, string InstanceId, string Service, int AuthorityGeneration, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool Revoked);

/// <summary>A revoked instance.</summary>
public sealed record RevocationView(string InstanceId, DateTimeOffset At, string By, string Reason);
