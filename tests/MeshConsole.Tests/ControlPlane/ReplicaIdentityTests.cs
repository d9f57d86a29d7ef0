using System.Net.Http.Json;
using Grpc.Core;
using Mesh.Store;
using Mesh.Testing;

namespace MeshConsole.Tests.ControlPlane;

/// <summary>Two replicas on one Postgres: identity changes made through one reach the sidecars of the other.</summary>
public sealed class ReplicaIdentityTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private KestrelConsole _first = null!;
    private KestrelConsole _second = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Postgres);
        var settings = new Dictionary<string, string> { ["Mesh:ControlPlane:PushDebounce"] = "00:00:00.020" };
        _first = new KestrelConsole(_database, settings);
        _second = new KestrelConsole(_database, settings);
        _first.StartServer();
        _second.StartServer();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task RevokeOnOneReplica_StreamOnTheOtherEndsAndItsPeersGetTheSerial()
    {
        await using var watcher = FakeSidecar.Open(_second);
        await watcher.SayHelloAsync(FakeSidecar.Hello("frontend", "frontend-1"));
        await watcher.NextSnapshotAsync();
        await using var revoked = FakeSidecar.Open(_second);
        await revoked.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        await revoked.NextCertificateAsync();
        using var api = _first.CreateHttpClient();

        (await api.PostAsJsonAsync("api/identity/revocations", new { instanceId = "orders-1", reason = "key leaked" })).EnsureSuccessStatusCode();

        Assert.Equal(StatusCode.PermissionDenied, (await revoked.EndedAsync()).StatusCode);
        Assert.Single((await watcher.NextSnapshotAsync(s => s.RevokedSerials.Count > 0)).RevokedSerials);
    }

    [Fact]
    public async Task RotateOnOneReplica_SidecarsOfTheOtherTrustBothAndAreSignedByTheNewCa()
    {
        await using var sidecar = FakeSidecar.Open(_second);
        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        await sidecar.NextSnapshotAsync();
        using var api = _first.CreateHttpClient();

        (await api.PostAsync("api/identity/ca/rotate", null)).EnsureSuccessStatusCode();

        var during = await sidecar.NextSnapshotAsync(s => s.TrustAnchors.Count == 2);
        await sidecar.RequestCertificateAsync(FakeSidecar.Csr());
        var renewed = await sidecar.NextCertificateAsync();
        Assert.Equal(during.TrustAnchors[0], Assert.Single(renewed.Chain));
    }
}
