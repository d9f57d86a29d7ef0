using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Mesh.Contracts.V1;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.Identity;
using MeshConsole.Tests.Identity;
using Microsoft.EntityFrameworkCore;

namespace MeshConsole.Tests.ControlPlane;

/// <summary>Admission by join token, workload certificates and revocation, over real gRPC on loopback.</summary>
public sealed class ConnectIdentityTests : LoopbackConsoleTest
{
    [Fact]
    public async Task Connect_NoCredentials_UnauthenticatedAndNothingRegistered()
    {
        var hello = FakeSidecar.Hello("orders", "orders-1");
        hello.Credentials = "";

        var error = await RefusedAsync(hello);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("hello.credentials: required (a join token, mjt_...)", error.Status.Detail);
        await AssertNothingRegisteredAsync();
    }

    [Theory]
    [InlineData("mjt_an_unknown_token_of_43_characters_xxxxxxx")]
    [InlineData("not a token")]
    public async Task Connect_UnknownToken_Unauthenticated(string credentials)
    {
        var hello = FakeSidecar.Hello("orders", "orders-1");
        hello.Credentials = credentials;

        var error = await RefusedAsync(hello);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("hello.credentials: not a join token of this mesh", error.Status.Detail);
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task Connect_ExpiredToken_Unauthenticated()
    {
        var value = JoinTokens.Generate();
        await using (var db = Database.CreateContext())
        {
            await new JoinTokenStore(db).CreateAsync(new JoinToken
            {
                Name = "old",
                Hash = JoinTokens.Hash(value),
                ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1),
                CreatedAt = DateTimeOffset.UtcNow.AddDays(-1),
                CreatedBy = "alice",
            });
        }

        var error = await RefusedAsync(Hello("orders", "orders-1", value));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.StartsWith("hello.credentials: join token old expired at ", error.Status.Detail, StringComparison.Ordinal);
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task Connect_RevokedToken_Unauthenticated()
    {
        var value = await CreateTokenAsync("ci");
        (await Api.PostAsync("api/identity/join-tokens/ci/revoke", null)).EnsureSuccessStatusCode();

        var error = await RefusedAsync(Hello("orders", "orders-1", value));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("hello.credentials: join token ci was revoked", error.Status.Detail);
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task Connect_SingleUseTokenUsedByAnotherInstance_UnauthenticatedAndNotCounted()
    {
        var value = await CreateTokenAsync("once", maxUses: 1);
        await using var first = FakeSidecar.Open(Console);
        await first.SayHelloAsync(Hello("orders", "orders-1", value));
        await first.NextSnapshotAsync();

        var error = await RefusedAsync(Hello("orders", "orders-2", value));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("hello.credentials: join token once was already used by 1 other instance(s)", error.Status.Detail);
        var token = await TokenAsync("once");
        Assert.Equal(1, token.GetProperty("uses").GetInt32());
        Assert.Equal("orders-1", token.GetProperty("usedBy")[0].GetProperty("instanceId").GetString());
        Assert.DoesNotContain("orders-2", await Api.GetStringAsync("api/sidecars"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_TokenOfAnotherService_PermissionDenied()
    {
        var value = await CreateTokenAsync("payments-only", scope: "payments");

        var error = await RefusedAsync(Hello("orders", "orders-1", value));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("hello.credentials: join token payments-only admits service payments only, not orders", error.Status.Detail);
        await AssertNothingRegisteredAsync();
        Assert.Equal(0, (await TokenAsync("payments-only")).GetProperty("uses").GetInt32());
    }

    [Fact]
    public async Task Connect_RevokedInstance_PermissionDenied()
    {
        await RevokeAsync("orders-1");

        var error = await RefusedAsync(FakeSidecar.Hello("orders", "orders-1"));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("hello.instance_id: instance orders-1 is revoked", error.Status.Detail);
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task Connect_BadCsr_InvalidArgumentAndNoUseCounted()
    {
        var value = await CreateTokenAsync("once", maxUses: 1);
        var hello = Hello("orders", "orders-1", value);
        hello.Csr = ByteString.CopyFromUtf8("not a csr");

        var error = await RefusedAsync(hello);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("hello.csr: not a PKCS#10 certificate signing request (DER)", error.Status.Detail);
        await AssertNothingRegisteredAsync();
        Assert.Equal(0, (await TokenAsync("once")).GetProperty("uses").GetInt32());
    }

    [Fact]
    public async Task Connect_Admitted_CertificateBeforeFirstSnapshotAndChainsToItsTrustAnchor()
    {
        await using var sidecar = FakeSidecar.Open(Console);

        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        var first = await sidecar.FirstMessageAsync();
        var snapshot = await sidecar.NextSnapshotAsync();

        Assert.Equal(ControlMessage.KindOneofCase.Certificate, first.KindCase);
        using var leaf = X509CertificateLoader.LoadCertificate(first.Certificate.Certificate.ToByteArray());
        Assert.Equal(["spiffe://mesh.local/svc/orders"], SanUris.Of(leaf));
        Assert.Equal("orders-1", leaf.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal(leaf.NotAfter.ToUniversalTime(), first.Certificate.NotAfter.ToDateTime());
        Assert.Equal("mesh.local", snapshot.TrustDomain);
        var anchor = Assert.Single(snapshot.TrustAnchors);
        Assert.Equal(anchor, Assert.Single(first.Certificate.Chain));
        Assert.True(Chains(leaf, anchor));
        Assert.Empty(snapshot.RevokedSerials);
    }

    [Fact]
    public async Task CertificateRequest_NewCsr_NewCertificateForThatKey()
    {
        await using var sidecar = FakeSidecar.Open(Console);
        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        var first = await sidecar.NextCertificateAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        await sidecar.RequestCertificateAsync(FakeSidecar.Csr(key, "CN=someone-else"));
        var renewed = await sidecar.NextCertificateAsync();

        using var leaf = X509CertificateLoader.LoadCertificate(renewed.Certificate.ToByteArray());
        using var before = X509CertificateLoader.LoadCertificate(first.Certificate.ToByteArray());
        Assert.NotEqual(before.SerialNumber, leaf.SerialNumber);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal("orders-1", leaf.GetNameInfo(X509NameType.SimpleName, false));
        var listed = await Api.GetFromJsonAsync<JsonElement>("api/identity/certificates");
        Assert.Equal(2, listed.EnumerateArray().Count(c => c.GetProperty("instanceId").GetString() == "orders-1"));
    }

    [Fact]
    public async Task CertificateRequest_BadCsr_InvalidArgumentNamingTheField()
    {
        await using var sidecar = FakeSidecar.Open(Console);
        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        await sidecar.NextCertificateAsync();

        await sidecar.RequestCertificateAsync([]);

        var error = await sidecar.EndedAsync();
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("certificate_request.csr: required (a PKCS#10 certificate signing request, DER)", error.Status.Detail);
    }

    [Fact]
    public async Task RevokeInstance_EndsItsStreamAndOthersAreSentItsSerial()
    {
        await using var watcher = FakeSidecar.Open(Console);
        await watcher.SayHelloAsync(FakeSidecar.Hello("frontend", "frontend-1"));
        await watcher.NextSnapshotAsync();
        await using var revoked = FakeSidecar.Open(Console);
        await revoked.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        using var leaf = X509CertificateLoader.LoadCertificate((await revoked.NextCertificateAsync()).Certificate.ToByteArray());

        await RevokeAsync("orders-1");

        var ended = await revoked.EndedAsync();
        Assert.Equal(StatusCode.PermissionDenied, ended.StatusCode);
        Assert.Equal("hello.instance_id: instance orders-1 was revoked", ended.Status.Detail);
        var pushed = await watcher.NextSnapshotAsync(s => s.RevokedSerials.Count > 0);
        Assert.Equal([leaf.SerialNumber], pushed.RevokedSerials);
        var again = await RefusedAsync(FakeSidecar.Hello("orders", "orders-1"));
        Assert.Equal(StatusCode.PermissionDenied, again.StatusCode);
    }

    private static Hello Hello(string service, string instance, string token)
    {
        var hello = FakeSidecar.Hello(service, instance);
        hello.Credentials = token;
        return hello;
    }

    private async Task<RpcException> RefusedAsync(Hello hello)
    {
        await using var sidecar = FakeSidecar.Open(Console);
        await sidecar.SayHelloAsync(hello);
        return await sidecar.EndedAsync();
    }

    private async Task<string> CreateTokenAsync(string name, string scope = "*", int? maxUses = null)
    {
        var response = await Api.PostAsJsonAsync("api/identity/join-tokens", new { name, scope, maxUses });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private async Task RevokeAsync(string instance) =>
        (await Api.PostAsJsonAsync("api/identity/revocations", new { instanceId = instance, reason = "key leaked" })).EnsureSuccessStatusCode();

    private async Task<JsonElement> TokenAsync(string name) =>
        (await Api.GetFromJsonAsync<JsonElement>("api/identity/join-tokens")).EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);

    /// <summary>Nothing in the registry, no instance row, no certificate issued.</summary>
    private async Task AssertNothingRegisteredAsync()
    {
        Assert.Equal("[]", await Api.GetStringAsync("api/sidecars"));
        await using var db = Database.CreateContext();
        Assert.Equal(0, await db.SidecarInstances.CountAsync());
        Assert.Equal(0, await db.IssuedCertificates.CountAsync());
    }

    internal static bool Chains(X509Certificate2 leaf, ByteString anchor)
    {
        using var root = X509CertificateLoader.LoadCertificate(anchor.ToByteArray());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
