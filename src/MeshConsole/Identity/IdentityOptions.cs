namespace MeshConsole.Identity;

/// <summary>The mesh CA and the workload certificates it issues. Bound from <c>Mesh:Identity</c>.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Mesh:Identity";

    /// <summary>The SPIFFE trust domain: certificates name <c>spiffe://&lt;it&gt;/svc/&lt;service&gt;</c>. Key <c>Mesh:Identity:TrustDomain</c>.</summary>
    public string TrustDomain { get; set; } = "mesh.local";

    /// <summary>How long a workload certificate is valid; sidecars renew at half of it. Key <c>Mesh:Identity:CertificateLifetime</c>.</summary>
    public TimeSpan CertificateLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a CA certificate is valid. Key <c>Mesh:Identity:CaLifetime</c>.</summary>
    public TimeSpan CaLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// How long the previous CA stays trusted after a rotation. At least a certificate lifetime, so
    /// every certificate it signed expires or is renewed before peers stop trusting it. Key
    /// <c>Mesh:Identity:RotationOverlap</c>.
    /// </summary>
    public TimeSpan RotationOverlap { get; set; } = TimeSpan.FromHours(24);
}
