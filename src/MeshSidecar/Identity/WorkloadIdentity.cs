using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MeshSidecar.Identity;

/// <summary>
/// The sidecar's workload certificate with its private key and issuing chain: what it presents to
/// peers on both sides of a connection. Immutable; rotation swaps in a new one whole.
/// </summary>
internal sealed record WorkloadIdentity(X509Certificate2 Certificate, X509Certificate2Collection Chain, Uri SpiffeId)
{
    /// <summary>The certificate and chain for the server side of a handshake, built once per identity.</summary>
    public SslStreamCertificateContext ServerContext { get; } = SslStreamCertificateContext.Create(Certificate, Chain, offline: true);

    public string Serial => Certificate.SerialNumber;

    public DateTimeOffset NotBefore => new(Certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);

    public DateTimeOffset NotAfter => new(Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>When a new certificate is asked for: at half of this one's lifetime.</summary>
    public DateTimeOffset RotateAt => NotBefore + ((NotAfter - NotBefore) / 2);
}
