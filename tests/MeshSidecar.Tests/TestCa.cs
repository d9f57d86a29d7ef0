using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mesh.Contracts.V1;
using CertificateRequest = System.Security.Cryptography.X509Certificates.CertificateRequest;

namespace MeshSidecar.Tests;

/// <summary>
/// A mesh CA built in the test, playing the console's part: it signs sidecars' CSRs into workload
/// certificates (SPIFFE URI SAN, CN = instance id, server and client auth) and makes the odd
/// certificates the sidecar must refuse.
/// </summary>
internal sealed class TestCa : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCa(string trustDomain = "mesh.local", string name = "Test Mesh CA")
    {
        TrustDomain = trustDomain;
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    public string TrustDomain { get; }

    public X509Certificate2 Certificate { get; }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }

    /// <summary>The console's answer to a CSR: a certificate for its key naming <paramref name="service"/>.</summary>
    public WorkloadCertificate Sign(byte[] csr, string service, TimeSpan? lifetime = null, DateTimeOffset? notBefore = null)
    {
        var request = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation);
        var from = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-1);
        using var leaf = Issue(request.SubjectName, request.PublicKey, Uri(service), from, from + (lifetime ?? TimeSpan.FromHours(24)));
        var message = new WorkloadCertificate
        {
            Certificate = ByteString.CopyFrom(leaf.RawData),
            NotAfter = Timestamp.FromDateTime(leaf.NotAfter.ToUniversalTime()),
        };
        message.Chain.Add(ByteString.CopyFrom(Certificate.RawData));
        return message;
    }

    /// <summary>A certificate with its key, as a calling sidecar (or an impostor) would present it.</summary>
    public X509Certificate2 Client(string service, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string? trustDomain = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={service}-test", key, HashAlgorithmName.SHA256);
        using var leaf = Issue(request.SubjectName, request.PublicKey, Uri(service, trustDomain),
            notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-1), notAfter ?? DateTimeOffset.UtcNow.AddHours(1));
        return leaf.CopyWithPrivateKey(key);
    }

    /// <summary>A self-signed certificate naming <paramref name="service"/>: a good SPIFFE ID, no mesh CA behind it.</summary>
    public static X509Certificate2 SelfSigned(string service, string trustDomain = "mesh.local")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={service}-impostor", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri($"spiffe://{trustDomain}/svc/{service}"));
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
    }

    /// <summary>Sets this CA's anchor and trust domain (and any revoked serials) on a snapshot.</summary>
    public Snapshot Trust(Snapshot snapshot, params string[] revokedSerials)
    {
        snapshot.TrustAnchors.Add(ByteString.CopyFrom(Certificate.RawData));
        snapshot.TrustDomain = TrustDomain;
        snapshot.RevokedSerials.AddRange(revokedSerials);
        return snapshot;
    }

    private Uri Uri(string service, string? trustDomain = null) => new($"spiffe://{trustDomain ?? TrustDomain}/svc/{service}");

    private X509Certificate2 Issue(X500DistinguishedName subject, PublicKey key, Uri spiffeId, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(spiffeId);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        // A signature made by the CA's key over a certificate the chain can place under it.
        return request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), notBefore, notAfter, serial);
    }
}
