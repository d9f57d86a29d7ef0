using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace MeshConsole.Tests.ControlPlane;

/// <summary>A CA rotation as sidecars see it: both anchors during the overlap, the new one alone after.</summary>
public sealed class CaRotationTests() : LoopbackConsoleTest(new Dictionary<string, string>
{
    ["Mesh:Identity:CertificateLifetime"] = "00:00:02",
    ["Mesh:Identity:RotationOverlap"] = "00:00:02",
})
{
    [Fact]
    public async Task RotateCa_BothAnchorsDuringOverlapThenOnlyTheNewAndNewCertificatesFromIt()
    {
        await using var sidecar = FakeSidecar.Open(Console);
        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        var old = Assert.Single((await sidecar.NextSnapshotAsync()).TrustAnchors);

        var response = await Api.PostAsync("api/identity/ca/rotate", null);
        response.EnsureSuccessStatusCode();
        var rotated = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(2, rotated.GetProperty("generation").GetInt32());
        var during = await sidecar.NextSnapshotAsync(s => s.TrustAnchors.Count == 2);
        Assert.Equal(old, during.TrustAnchors[1]);
        var fresh = during.TrustAnchors[0];
        await sidecar.RequestCertificateAsync(FakeSidecar.Csr());
        var renewed = await sidecar.NextCertificateAsync();
        using var leaf = X509CertificateLoader.LoadCertificate(renewed.Certificate.ToByteArray());
        Assert.Equal(fresh, Assert.Single(renewed.Chain));
        Assert.True(ConnectIdentityTests.Chains(leaf, fresh));
        var after = await sidecar.NextSnapshotAsync(s => s.TrustAnchors.Count == 1);
        Assert.Equal(fresh, Assert.Single(after.TrustAnchors));
        var authorities = await Api.GetFromJsonAsync<JsonElement>("api/identity/ca");
        Assert.Equal(2, Assert.Single(authorities.EnumerateArray()).GetProperty("generation").GetInt32());
    }
}
