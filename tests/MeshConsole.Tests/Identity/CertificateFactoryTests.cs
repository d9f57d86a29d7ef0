using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshConsole.Identity;

namespace MeshConsole.Tests.Identity;

public sealed class CertificateFactoryTests
{
    private static readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    [Fact]
    public void IssueLeaf_Csr_SpiffeSanInstanceCnBothAuthsAndLifetime()
    {
        using var ca = CertificateFactory.CreateAuthority("mesh.local", 1, _now, TimeSpan.FromDays(365));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var leaf = Issue(ca, key, TimeSpan.FromHours(24));

        Assert.Equal(["spiffe://mesh.local/svc/orders"], Uris(leaf));
        Assert.Equal("orders-7f9c", leaf.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
            leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, leaf.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(TimeSpan.FromHours(24) + CertificateFactory.Backdate, leaf.NotAfter - leaf.NotBefore);
        Assert.True(leaf.NotBefore.ToUniversalTime() < _now.UtcDateTime);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void IssueLeaf_ChainBuiltOnTheCaAlone_Valid()
    {
        using var ca = CertificateFactory.CreateAuthority("mesh.local", 1, _now, TimeSpan.FromDays(365));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = Issue(ca, key, TimeSpan.FromHours(24));
        using var anchor = X509CertificateLoader.LoadCertificate(ca.RawData);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(anchor);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        var valid = chain.Build(leaf);

        Assert.True(valid, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public void IssueLeaf_AnotherCa_ChainInvalid()
    {
        using var ca = CertificateFactory.CreateAuthority("mesh.local", 1, _now, TimeSpan.FromDays(365));
        using var other = CertificateFactory.CreateAuthority("mesh.local", 2, _now, TimeSpan.FromDays(365));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = Issue(ca, key, TimeSpan.FromHours(24));
        using var anchor = X509CertificateLoader.LoadCertificate(other.RawData);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(anchor);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        Assert.False(chain.Build(leaf));
    }

    [Fact]
    public void IssueLeaf_LifetimeBeyondTheCa_EndsWithTheCa()
    {
        using var ca = CertificateFactory.CreateAuthority("mesh.local", 1, _now, TimeSpan.FromHours(10));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var leaf = Issue(ca, key, TimeSpan.FromHours(24));

        Assert.Equal(ca.NotAfter, leaf.NotAfter);
    }

    [Fact]
    public void IssueLeaf_TwoLeaves_DifferentPositiveSerials()
    {
        using var ca = CertificateFactory.CreateAuthority("mesh.local", 1, _now, TimeSpan.FromDays(365));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var first = Issue(ca, key, TimeSpan.FromHours(1));
        using var second = Issue(ca, key, TimeSpan.FromHours(1));

        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        Assert.Equal(32, first.SerialNumber.Length);
        Assert.True(Convert.FromHexString(first.SerialNumber)[0] < 0x80);
    }

    [Fact]
    public void CreateAuthority_CaThatSignsLeavesOnly()
    {
        using var ca = CertificateFactory.CreateAuthority("prod.example", 3, _now, TimeSpan.FromDays(30));

        var constraints = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(0, constraints.PathLengthConstraint);
        Assert.Equal("CN=Mesh CA 3, O=prod.example", ca.Subject);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, ECDsa key, TimeSpan lifetime)
    {
        // The CSR asks for other names: they must not reach the certificate.
        var csr = new CertificateRequest("CN=admin, O=evil", key, HashAlgorithmName.SHA256);
        return CertificateFactory.IssueLeaf(csr, ca, CertificateFactory.SpiffeId("mesh.local", "orders"), "orders-7f9c", _now, lifetime);
    }

    private static IReadOnlyList<string> Uris(X509Certificate2 certificate) => SanUris.Of(certificate);
}
