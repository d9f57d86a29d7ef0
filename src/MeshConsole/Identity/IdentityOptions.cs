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

    /// <summary>
    /// The console rotates the active CA by itself when this little of its life is left. Unset: 30 days, but at
    /// least <see cref="RotationOverlap"/> plus a certificate lifetime and at most half the CA lifetime. Key
    /// <c>Mesh:Identity:RenewCaBefore</c>.
    /// </summary>
    public TimeSpan? RenewCaBefore { get; set; }

    /// <summary>
    /// When the active CA is rotated by itself. At least the overlap plus a certificate lifetime, so the old CA
    /// outlives both the overlap and every certificate it signed just before the rotation; at most half the CA's
    /// lifetime, so a new CA is not renewed at once.
    /// </summary>
    public TimeSpan EffectiveRenewCaBefore => RenewCaBefore
        ?? TimeSpan.FromTicks(Math.Min(Math.Max(TimeSpan.FromDays(30).Ticks, (RotationOverlap + CertificateLifetime).Ticks), CaLifetime.Ticks / 2));
}
