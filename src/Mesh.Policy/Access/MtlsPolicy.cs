namespace Mesh.Policy.Access;

/// <summary>
/// Whether the callee's sidecar also accepts plaintext calls: mesh-wide, with per-service exceptions.
/// Absent from an <see cref="AccessPolicy"/> means permissive everywhere.
/// </summary>
public sealed record MtlsPolicy
{
    /// <summary>The mode of every service not named in <see cref="Services"/>; permissive when absent.</summary>
    public MtlsMode Mode { get; init; } = MtlsMode.Permissive;

    /// <summary>Per-service modes that override <see cref="Mode"/>, by service name.</summary>
    public IReadOnlyDictionary<string, MtlsMode> Services { get; init; } = new Dictionary<string, MtlsMode>();
}

/// <summary>How a service's sidecar treats callers without a verified workload certificate.</summary>
public enum MtlsMode
{
    /// <summary>Mutual TLS and plaintext are both accepted; a plaintext caller has no identity, so only rules with source <c>*</c> match it.</summary>
    Permissive,

    /// <summary>Only mutual TLS with a valid workload certificate; plaintext calls get 403 (gRPC PERMISSION_DENIED).</summary>
    Strict,
}
