using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;

namespace MeshConsole.Tests.ControlPlane;

/// <summary>The console rotates a CA near its end by itself, and sidecars learn the new anchor beside the old.</summary>
public sealed class CaRenewalTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private KestrelConsole _console = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        // A 20-second CA with 2-second certificates and overlap is renewed when 10 seconds are left (half its life).
        _console = new KestrelConsole(_database, new Dictionary<string, string>
        {
            ["Mesh:ControlPlane:PushDebounce"] = "00:00:00.020",
            ["Mesh:Identity:CertificateLifetime"] = "00:00:02",
            ["Mesh:Identity:RotationOverlap"] = "00:00:02",
            ["Mesh:Identity:CaLifetime"] = "00:00:20",
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
    public async Task ActiveCaNearItsEnd_RotatedByTheConsole_SidecarsTrustBothDuringTheOverlap()
    {
        await using var sidecar = FakeSidecar.Open(_console);
        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        var first = Assert.Single((await sidecar.NextSnapshotAsync()).TrustAnchors);
        var before = await AuthoritiesAsync();
        var original = Assert.Single(before);
        Assert.Equal(1, original.GetProperty("generation").GetInt32());

        var during = await sidecar.NextSnapshotAsync(s => s.TrustAnchors.Count == 2, timeoutSeconds: 40);

        Assert.Equal(first, during.TrustAnchors[1]);
        var renewed = (await AuthoritiesAsync()).First(a => a.GetProperty("generation").GetInt32() == 2);
        Assert.Equal("active", renewed.GetProperty("state").GetString());
        Assert.Equal("console (CA renewal)", renewed.GetProperty("createdBy").GetString());
        // Renewed before the old CA ran out, not after the mesh's certificates stopped chaining.
        Assert.True(renewed.GetProperty("createdAt").GetDateTimeOffset() < original.GetProperty("notAfter").GetDateTimeOffset());
    }

    private async Task<IReadOnlyList<JsonElement>> AuthoritiesAsync() =>
        [.. (await _api.GetFromJsonAsync<JsonElement>("api/identity/ca")).EnumerateArray()];
}
