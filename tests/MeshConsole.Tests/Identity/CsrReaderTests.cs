using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshConsole.Identity;

namespace MeshConsole.Tests.Identity;

public sealed class CsrReaderTests
{
    [Theory]
    [InlineData("P256")]
    [InlineData("P384")]
    [InlineData("RSA2048")]
    public void Read_AcceptedKey_RequestWithThatKey(string kind)
    {
        var der = kind switch
        {
            "P256" => Ec(ECCurve.NamedCurves.nistP256),
            "P384" => Ec(ECCurve.NamedCurves.nistP384),
            _ => Rsa(2048),
        };

        var (request, error) = CsrReader.Read(der, "hello.csr");

        Assert.Null(error);
        Assert.NotNull(request);
    }

    [Fact]
    public void Read_Empty_RequiredNamingTheField()
    {
        var (request, error) = CsrReader.Read([], "hello.csr");

        Assert.Null(request);
        Assert.Equal("hello.csr: required (a PKCS#10 certificate signing request, DER)", error);
    }

    [Fact]
    public void Read_NotDer_NotARequest()
    {
        var (_, error) = CsrReader.Read("-----BEGIN CERTIFICATE REQUEST-----"u8, "certificate_request.csr");

        Assert.Equal("certificate_request.csr: not a PKCS#10 certificate signing request (DER)", error);
    }

    [Fact]
    public void Read_BytesAfterTheRequest_Refused()
    {
        byte[] der = [.. Ec(ECCurve.NamedCurves.nistP256), 0, 0];

        var (_, error) = CsrReader.Read(der, "hello.csr");

        Assert.Equal("hello.csr: 2 byte(s) after the request", error);
    }

    [Fact]
    public void Read_SignedByAnotherKey_SignatureDoesNotVerify()
    {
        using var claimed = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=x"), new PublicKey(claimed), HashAlgorithmName.SHA256);
        var der = request.CreateSigningRequest(X509SignatureGenerator.CreateForECDsa(signer));

        var (_, error) = CsrReader.Read(der, "hello.csr");

        Assert.Equal("hello.csr: signature does not verify", error);
    }

    [Fact]
    public void Read_TamperedAfterSigning_SignatureDoesNotVerify()
    {
        var der = Rsa(2048);
        der[^1] ^= 0xFF;

        var (_, error) = CsrReader.Read(der, "hello.csr");

        Assert.Equal("hello.csr: signature does not verify", error);
    }

    [Fact]
    public void Read_WeakRsa_TooWeak()
    {
        var (_, error) = CsrReader.Read(Rsa(1024), "hello.csr");

        Assert.Equal("hello.csr: RSA key of 1024 bits is too weak (2048 or more)", error);
    }

    [Fact]
    public void Read_P521_CurveNotAccepted()
    {
        var (_, error) = CsrReader.Read(Ec(ECCurve.NamedCurves.nistP521), "hello.csr");

        Assert.StartsWith("hello.csr: ECDSA curve", error, StringComparison.Ordinal);
        Assert.EndsWith("is not accepted (P-256 or P-384)", error, StringComparison.Ordinal);
    }

    private static byte[] Ec(ECCurve curve)
    {
        using var key = ECDsa.Create(curve);
        return new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    private static byte[] Rsa(int bits)
    {
        using var key = RSA.Create(bits);
        return new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
    }
}
