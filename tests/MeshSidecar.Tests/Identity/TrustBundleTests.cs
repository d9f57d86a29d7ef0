using Google.Protobuf;
using MeshSidecar.Identity;

namespace MeshSidecar.Tests.Identity;

public sealed class TrustBundleTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("mesh-sidecar-trust-");
    private readonly TestCa _ca = new();

    public void Dispose()
    {
        _ca.Dispose();
        _state.Delete(recursive: true);
    }

    [Fact]
    public void Apply_SnapshotWithTrust_AnchorsRevocationsAndDomainInForce()
    {
        var holder = TestSnapshots.Holder(TestSnapshots.Options(_state.FullName));
        var snapshot = _ca.Trust(TestSnapshots.Valid(), "00AB12", "ff01");

        var error = holder.Apply(snapshot);

        Assert.Null(error);
        var trust = holder.Current!.Trust;
        Assert.Equal(_ca.Certificate.RawData, Assert.Single(trust.Anchors).RawData);
        Assert.Equal("mesh.local", trust.TrustDomain);
        // Serials compare as numbers: case and DER's leading zeros do not matter.
        Assert.True(trust.IsRevoked("AB12"));
        Assert.True(trust.IsRevoked("00FF01"));
        Assert.False(trust.IsRevoked("AB13"));
    }

    [Fact]
    public void Apply_SnapshotWithoutTrustDomain_DefaultDomain()
    {
        var holder = TestSnapshots.Holder(TestSnapshots.Options(_state.FullName));

        holder.Apply(TestSnapshots.Valid());

        Assert.Equal(TrustBundle.DefaultTrustDomain, holder.Current!.Trust.TrustDomain);
        Assert.Empty(holder.Current.Trust.Anchors);
    }

    [Fact]
    public void Apply_AnchorNotDer_RefusedNamingTheAnchor()
    {
        var holder = TestSnapshots.Holder(TestSnapshots.Options(_state.FullName));
        var snapshot = _ca.Trust(TestSnapshots.Valid());
        snapshot.TrustAnchors.Add(ByteString.CopyFromUtf8("not a certificate"));

        var error = holder.Apply(snapshot);

        Assert.Equal("trust_anchors[1]: not a DER X.509 certificate", error);
        Assert.Null(holder.Current);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12:34")]
    [InlineData("XYZ")]
    public void Apply_RevokedSerialNotHex_RefusedNamingIt(string serial)
    {
        var holder = TestSnapshots.Holder(TestSnapshots.Options(_state.FullName));
        var snapshot = _ca.Trust(TestSnapshots.Valid(), "AB", serial);

        var error = holder.Apply(snapshot);

        Assert.Equal($"revoked_serials[1]: \"{serial}\" is not a hexadecimal serial number", error);
    }

    [Theory]
    [InlineData("Mesh.Local")]
    [InlineData("mesh local")]
    public void Apply_BadTrustDomain_RefusedNamingIt(string domain)
    {
        var holder = TestSnapshots.Holder(TestSnapshots.Options(_state.FullName));
        var snapshot = _ca.Trust(TestSnapshots.Valid());
        snapshot.TrustDomain = domain;

        var error = holder.Apply(snapshot);

        Assert.Equal($"trust_domain: \"{domain}\" is not a lower-case trust domain name", error);
    }

    [Fact]
    public void Verify_NoAnchors_RefusedAsNoTrustAnchors()
    {
        using var certificate = _ca.Client("web");

        var verdict = PeerVerifier.Verify(certificate, [], TrustBundle.Empty, DateTimeOffset.UtcNow);

        Assert.Null(verdict.Service);
        Assert.Equal("no-trust-anchors", verdict.Refusal);
    }

    [Fact]
    public void Verify_MeshCertificate_ItsService()
    {
        using var certificate = _ca.Client("web");
        var trust = new TrustBundle([_ca.Certificate], new HashSet<string>(), "mesh.local");

        var verdict = PeerVerifier.Verify(certificate, [], trust, DateTimeOffset.UtcNow);

        Assert.Equal("web", verdict.Service);
        Assert.Null(verdict.Refusal);
    }

    [Fact]
    public void Verify_AnotherCasCertificate_RefusedAsUntrusted()
    {
        using var other = new TestCa(name: "Another CA");
        using var certificate = other.Client("web");
        var trust = new TrustBundle([_ca.Certificate], new HashSet<string>(), "mesh.local");

        var verdict = PeerVerifier.Verify(certificate, [other.Certificate], trust, DateTimeOffset.UtcNow);

        Assert.Equal("untrusted", verdict.Refusal);
    }

    [Fact]
    public void Verify_AfterExpiry_RefusedAsExpired()
    {
        using var certificate = _ca.Client("web");
        var trust = new TrustBundle([_ca.Certificate], new HashSet<string>(), "mesh.local");

        var verdict = PeerVerifier.Verify(certificate, [], trust, DateTimeOffset.UtcNow.AddDays(2));

        Assert.Equal("expired", verdict.Refusal);
    }
}
