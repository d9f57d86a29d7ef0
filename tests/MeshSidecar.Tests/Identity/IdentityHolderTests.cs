using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using MeshSidecar.Configuration;
using MeshSidecar.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using CertificateRequest = System.Security.Cryptography.X509Certificates.CertificateRequest;

namespace MeshSidecar.Tests.Identity;

public sealed class IdentityHolderTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("mesh-sidecar-identity-");
    private readonly TestCa _ca = new();
    private readonly SidecarOptions _options;

    public IdentityHolderTests() =>
        _options = new SidecarOptions { Service = "orders", AppPort = 7001, InstanceId = "orders-7f9c", StateDirectory = Path.Combine(_state.FullName, "state") };

    public void Dispose()
    {
        _ca.Dispose();
        _state.Delete(recursive: true);
    }

    private IdentityHolder NewHolder() => new(_options, TimeProvider.System, NullLogger<IdentityHolder>.Instance);

    [Fact]
    public void CreateRequest_NewKey_P256CsrWithSpiffeIdAndInstanceName()
    {
        var holder = NewHolder();

        var csr = CertificateRequest.LoadSigningRequest(
            holder.CreateRequest("mesh.local"), HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);

        Assert.Equal("CN=orders-7f9c", csr.SubjectName.Name);
        using var key = csr.PublicKey.GetECDsaPublicKey();
        Assert.Equal(256, key!.KeySize);
        // Extensions read back from a CSR are untyped: the SAN is found by its OID.
        var san = Assert.Single(csr.CertificateExtensions, e => e.Oid?.Value == "2.5.29.17");
        Assert.Contains("spiffe://mesh.local/svc/orders", System.Text.Encoding.ASCII.GetString(san.RawData), StringComparison.Ordinal);
    }

    [Fact]
    public void CreateRequest_Twice_DifferentKeys()
    {
        var holder = NewHolder();

        var first = CertificateRequest.LoadSigningRequest(holder.CreateRequest("mesh.local"), HashAlgorithmName.SHA256);
        var second = CertificateRequest.LoadSigningRequest(holder.CreateRequest("mesh.local"), HashAlgorithmName.SHA256);

        Assert.NotEqual(first.PublicKey.ExportSubjectPublicKeyInfo(), second.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task Apply_CertificateForPendingKey_InForceWithKeyAndSignalled()
    {
        var holder = NewHolder();
        var changed = holder.Changed;
        var issued = _ca.Sign(holder.CreateRequest("mesh.local"), "orders", TimeSpan.FromHours(24));

        var error = holder.Apply(issued);

        Assert.Null(error);
        var identity = Assert.IsType<WorkloadIdentity>(holder.Current);
        Assert.True(identity.Certificate.HasPrivateKey);
        Assert.Equal(new Uri("spiffe://mesh.local/svc/orders"), identity.SpiffeId);
        Assert.Equal(identity.NotBefore + TimeSpan.FromHours(12), identity.RotateAt);
        await changed.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Apply_CertificateForUnknownKey_RefusedAndNothingChanges()
    {
        var holder = NewHolder();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var foreign = new CertificateRequest("CN=x", other, HashAlgorithmName.SHA256).CreateSigningRequest();
        holder.CreateRequest("mesh.local");

        var error = holder.Apply(_ca.Sign(foreign, "orders"));

        Assert.Equal("certificate: not for a key this sidecar asked a certificate for", error);
        Assert.Null(holder.Current);
        Assert.False(File.Exists(_options.IdentityPath));
    }

    [Fact]
    public void Apply_CertificateForAnotherService_Refused()
    {
        var holder = NewHolder();

        var error = holder.Apply(_ca.Sign(holder.CreateRequest("mesh.local"), "payments"));

        Assert.Equal("certificate: names spiffe://mesh.local/svc/payments, not service orders", error);
        Assert.Null(holder.Current);
    }

    [Fact]
    public void Apply_ExpiredCertificate_Refused()
    {
        var holder = NewHolder();
        var issued = _ca.Sign(holder.CreateRequest("mesh.local"), "orders", TimeSpan.FromHours(1), DateTimeOffset.UtcNow.AddHours(-2));

        var error = holder.Apply(issued);

        Assert.StartsWith("certificate: expired at", error, StringComparison.Ordinal);
        Assert.Null(holder.Current);
    }

    [Fact]
    public void Apply_NotDer_Refused()
    {
        var holder = NewHolder();
        holder.CreateRequest("mesh.local");

        var error = holder.Apply(new Mesh.Contracts.V1.WorkloadCertificate { Certificate = ByteString.CopyFromUtf8("not a certificate") });

        Assert.StartsWith("certificate: not a DER X.509 certificate", error, StringComparison.Ordinal);
        Assert.Null(holder.Current);
    }

    [Fact]
    public void Apply_SameCertificateTwice_SecondRefusedAsItsKeyIsNoLongerPending()
    {
        var holder = NewHolder();
        var issued = _ca.Sign(holder.CreateRequest("mesh.local"), "orders");
        holder.Apply(issued);
        var serial = holder.Current!.Serial;

        var error = holder.Apply(issued);

        Assert.NotNull(error);
        Assert.Equal(serial, holder.Current!.Serial);
    }

    [Fact]
    public void Apply_Certificate_KeptOnDiskReadableByOwnerOnly()
    {
        var holder = NewHolder();

        holder.Apply(_ca.Sign(holder.CreateRequest("mesh.local"), "orders"));

        Assert.True(File.Exists(_options.IdentityPath));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_options.IdentityPath));
        Assert.Contains("-----BEGIN PRIVATE KEY-----", File.ReadAllText(_options.IdentityPath), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFromDisk_AfterRestart_SameCertificateWithItsKey()
    {
        var first = NewHolder();
        first.Apply(_ca.Sign(first.CreateRequest("mesh.local"), "orders"));
        var restarted = NewHolder();

        restarted.LoadFromDisk();

        var identity = Assert.IsType<WorkloadIdentity>(restarted.Current);
        Assert.Equal(first.Current!.Serial, identity.Serial);
        Assert.True(identity.Certificate.HasPrivateKey);
        Assert.Equal(_ca.Certificate.RawData, Assert.Single(identity.Chain).RawData);
        // The reloaded key signs what the certificate's public key verifies: they belong together.
        var data = "proof"u8.ToArray();
        using var key = identity.Certificate.GetECDsaPrivateKey()!;
        using var publicKey = identity.Certificate.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyData(data, key.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
    }

    [Fact]
    public void LoadFromDisk_ExpiredCertificate_NotLoaded()
    {
        var first = NewHolder();
        first.Apply(_ca.Sign(first.CreateRequest("mesh.local"), "orders", TimeSpan.FromSeconds(2), DateTimeOffset.UtcNow.AddSeconds(-1)));
        Assert.NotNull(first.Current);
        var restarted = new IdentityHolder(_options, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1)), NullLogger<IdentityHolder>.Instance);

        restarted.LoadFromDisk();

        Assert.Null(restarted.Current);
    }

    [Fact]
    public void LoadFromDisk_Garbage_NotLoaded()
    {
        Directory.CreateDirectory(_options.StateDirectory);
        File.WriteAllText(_options.IdentityPath, "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n");
        var holder = NewHolder();

        holder.LoadFromDisk();

        Assert.Null(holder.Current);
    }

    [Fact]
    public void LoadFromDisk_NoFile_NothingInForce()
    {
        var holder = NewHolder();

        holder.LoadFromDisk();

        Assert.Null(holder.Current);
    }
}
