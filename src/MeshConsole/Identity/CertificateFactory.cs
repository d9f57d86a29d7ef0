using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshConsole.Identity;

/// <summary>Builds the mesh's certificates: self-signed CAs and workload leaves (SPIFFE X.509-SVIDs).</summary>
internal static class CertificateFactory
{
    private static readonly Oid _serverAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid _clientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Clocks of peers drift; a certificate valid from a minute ago is valid on all of them.</summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(1);

    /// <summary>A new CA: P-256 key, may sign leaves only (path length 0). The certificate carries its private key.</summary>
    public static X509Certificate2 CreateAuthority(string trustDomain, int generation, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName($"Mesh CA {generation}");
        subject.AddOrganizationName(trustDomain);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now - Backdate, now + lifetime);
    }

    /// <summary>The SPIFFE ID of a service's workloads.</summary>
    public static Uri SpiffeId(string trustDomain, string service) => new($"spiffe://{trustDomain}/svc/{service}");

    /// <summary>
    /// A workload leaf for the CSR's key, signed by <paramref name="issuer"/> (which must hold its
    /// private key). Never outlives its issuer.
    /// </summary>
    public static X509Certificate2 IssueLeaf(
        CertificateRequest csr, X509Certificate2 issuer, Uri spiffeId, string instanceId, DateTimeOffset now, TimeSpan lifetime)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(instanceId);
        var request = new CertificateRequest(subject.Build(), csr.PublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([_serverAuth, _clientAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(spiffeId);
        request.CertificateExtensions.Add(names.Build());

        var notAfter = now + lifetime;
        if (notAfter > issuer.NotAfter)
            notAfter = issuer.NotAfter;
        return request.Create(issuer, now - Backdate, notAfter, Serial());
    }

    /// <summary>
    /// A TLS server certificate for the console's mesh-facing endpoints, naming <paramref name="hostNames"/>
    /// (DNS names or IP addresses), with a new P-256 key it carries. Never outlives its issuer.
    /// </summary>
    public static X509Certificate2 IssueServer(IReadOnlyList<string> hostNames, X509Certificate2 issuer, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(hostNames);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(hostNames[0]);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([_serverAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hostNames)
        {
            if (System.Net.IPAddress.TryParse(host, out var address))
                names.AddIpAddress(address);
            else
                names.AddDnsName(host);
        }

        request.CertificateExtensions.Add(names.Build());
        var notAfter = now + lifetime;
        if (notAfter > issuer.NotAfter)
            notAfter = issuer.NotAfter;
        using var issued = request.Create(issuer, now - Backdate, notAfter, Serial());
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// The pin of a CA, as sidecars take it (<c>--control-plane-ca-pin</c>): <c>sha256:</c> and the
    /// lower-case hex SHA-256 of its SubjectPublicKeyInfo, as kubeadm pins a cluster CA. It survives
    /// re-issuing the CA's certificate with the same key.
    /// </summary>
    public static string Pin(X509Certificate2 authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(authority.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>128 random bits, positive: RFC 5280 serials must be, and unpredictable ones cannot be chosen by a requester.</summary>
    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }
}
