using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;

namespace MeshConsole.Tests.ControlPlane;

/// <summary>A CA rotation as sidecars see it: both anchors during the overlap, the new one alone after.</summary>
public sealed class CaRotationTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private KestrelConsole _console = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        _console = new KestrelConsole(_database, new Dictionary<string, string>
        {
            ["Mesh:ControlPlane:PushDebounce"] = "00:00:00.020",
            ["Mesh:Identity:CertificateLifetime"] = "00:00:02",
            ["Mesh:Identity:RotationOverlap"] = "00:00:02",
        });
        _console.StartServer();
        _api = _console.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _console.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task RotateCa_BothAnchorsDuringOverlapThenOnlyTheNewAndNewCertificatesFromIt()
    {
        await using var sidecar = FakeSidecar.Open(_console);
        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        var old = Assert.Single((await sidecar.NextSnapshotAsync()).TrustAnchors);

        var response = await _api.PostAsync("api/identity/ca/rotate", null);
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
        var authorities = await _api.GetFromJsonAsync<JsonElement>("api/identity/ca");
        Assert.Equal(2, Assert.Single(authorities.EnumerateArray()).GetProperty("generation").GetInt32());
    }
}
