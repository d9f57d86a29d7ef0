using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;
using MeshConsole.Identity;
using MeshConsole.Tests.Hosting;

namespace MeshConsole.Tests.Identity;

/// <summary>
/// TLS on the console's mesh-facing ports: the certificate it serves, the CA it publishes (file,
/// pin, anonymous PEM), the certificate an operator configures instead, and bad settings.
/// </summary>
public sealed class ControlPlaneTlsTests
{
    [Fact]
    public void Validate_Defaults_SucceedWithLoopbackAndMachineName()
    {
        var options = new ControlPlaneTlsOptions();

        Assert.True(new ControlPlaneTlsOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(["localhost", "127.0.0.1", "::1", Environment.MachineName.ToLowerInvariant()], options.EffectiveHostNames);
    }

    [Theory]
    [InlineData(new string[0], "Mesh:ControlPlane:Tls:HostNames: empty")]
    [InlineData(new[] { "console", "" }, "Mesh:ControlPlane:Tls:HostNames:1: empty")]
    [InlineData(new[] { "not a host!" }, "Mesh:ControlPlane:Tls:HostNames:0: \"not a host!\" is not a host name or IP address")]
    public void Validate_BadHostNames_FailureNamesTheKey(string[] hostNames, string failure)
    {
        var result = new ControlPlaneTlsOptionsValidator().Validate(null, new ControlPlaneTlsOptions { HostNames = hostNames });

        Assert.True(result.Failed);
        Assert.StartsWith(failure, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:01")]
    [InlineData("400.00:00:00")]
    public void Validate_BadCertificateLifetime_FailureNamesTheKey(string lifetime)
    {
        var options = new ControlPlaneTlsOptions { CertificateLifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture) };

        var result = new ControlPlaneTlsOptionsValidator().Validate(null, options);

        Assert.StartsWith("Mesh:ControlPlane:Tls:CertificateLifetime: ", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mesh:ControlPlane:Tls:HostNames:0", "console_1!")]
    [InlineData("Mesh:ControlPlane:Tls:HostNames:0", "")]
    [InlineData("Mesh:ControlPlane:Tls:HostNames", "")]
    [InlineData("Mesh:ControlPlane:Tls:HostNames", "lb,,localhost")]
    [InlineData("Mesh:ControlPlane:Tls:CertificateLifetime", "00:00:00")]
    public async Task Start_BadTlsSetting_RefusedNamingTheKey(string key, string value)
    {
        var error = await ConsoleStart.FailureAsync(new Dictionary<string, string?> { [key] = value });

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MeshCaCertificate_NamesHostsChainsToCaFileWhosePinTheApiShows()
    {
        await using var database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        await using var console = new KestrelConsole(database, new Dictionary<string, string>
        {
            ["Mesh:ControlPlane:Tls:HostNames"] = "console.mesh.internal, 127.0.0.1",
        });
        console.StartServer();
        using var api = console.CreateHttpClient();
        using var anonymous = new HttpClient { BaseAddress = console.HttpAddress };

        var presented = await PresentedAsync(console.ControlPlaneAddress);
        var otlp = await PresentedAsync(console.OtlpHttpAddress);
        var ca = Assert.Single(console.ReadCa());
        var authority = Assert.Single((await api.GetFromJsonAsync<JsonElement>("api/identity/ca")).EnumerateArray());
        var pem = await anonymous.GetStringAsync("api/identity/ca.pem");

        Assert.Equal(presented.Thumbprint, otlp.Thumbprint);
        Assert.Equal(ca.Subject, presented.Issuer);
        var names = presented.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["console.mesh.internal"], names.EnumerateDnsNames());
        Assert.Equal(["127.0.0.1"], names.EnumerateIPAddresses().Select(a => a.ToString()));
        Assert.True(Chains(presented, ca));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(ca.PublicKey.ExportSubjectPublicKeyInfo())), authority.GetProperty("pin").GetString());
        Assert.Equal(await File.ReadAllTextAsync(console.CaFile), pem);
    }

    [Fact]
    public async Task Start_OperatorCertificateForTheEndpoint_WinsOverTheMeshCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=operator.example", key, HashAlgorithmName.SHA256);
        using var own = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var folder = Directory.CreateTempSubdirectory("console-cert-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "cert.pem"), own.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(folder, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        await using var database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        await using var console = new KestrelConsole(database, new Dictionary<string, string>
        {
            ["Kestrel:Endpoints:ControlPlane:Certificate:Path"] = Path.Combine(folder, "cert.pem"),
            ["Kestrel:Endpoints:ControlPlane:Certificate:KeyPath"] = Path.Combine(folder, "key.pem"),
        });
        console.StartServer();

        var controlPlane = await PresentedAsync(console.ControlPlaneAddress);
        var otlp = await PresentedAsync(console.OtlpGrpcAddress);

        Assert.Equal(own.Thumbprint, controlPlane.Thumbprint);
        Assert.StartsWith("CN=Mesh CA 1", otlp.Issuer, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>The certificate a TLS server on <paramref name="address"/> presents; only looked at, nothing is sent over it.</summary>
    private static async Task<X509Certificate2> PresentedAsync(Uri address)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        X509Certificate2? presented = null;
        await using var tls = new SslStream(tcp.GetStream(), false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = address.Host,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return presented is not null;
            },
        });
        return presented!;
    }

    private static bool Chains(X509Certificate2 leaf, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        return chain.Build(leaf);
    }
}
