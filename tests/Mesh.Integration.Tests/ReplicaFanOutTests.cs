using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;
using MeshSidecar;
using MeshSidecar.Configuration;

namespace Mesh.Integration.Tests;

/// <summary>Two console replicas on one Postgres, sidecars spread across them.</summary>
public sealed class ReplicaFanOutTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _parts = [];
    private TestDatabase _database = null!;
    private KestrelConsole _replicaA = null!;
    private KestrelConsole _replicaB = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Postgres);
        var settings = new Dictionary<string, string> { ["Mesh:ControlPlane:PushDebounce"] = "00:00:00.020" };
        _replicaA = new KestrelConsole(_database, settings);
        _replicaB = new KestrelConsole(_database, settings);
        _replicaA.StartServer();
        _replicaB.StartServer();
    }

    public async Task DisposeAsync()
    {
        for (var i = _parts.Count - 1; i >= 0; i--)
            await _parts[i].DisposeAsync();
        await _replicaA.DisposeAsync();
        await _replicaB.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task SidecarsOnDifferentReplicas_DiscoverEachOtherAndChangesThroughAReachB()
    {
        var app = await EchoApp.StartAsync("orders-v1");
        _parts.Add(app);
        var orders = await StartSidecarAsync("orders", app.Port, _replicaB);
        var frontend = await StartSidecarAsync("frontend", KestrelConsole.FreePort(), _replicaA);

        // Discovery across replicas: the frontend, on A, learns the orders instance registered on B.
        await MeshFixture.WaitForAsync(frontend, config => MeshFixture.Endpoints(config, "orders") == 1);
        using var client = MeshFixture.Client(frontend);
        using var request = new HttpRequestMessage(HttpMethod.Get, "hello") { Headers = { { "X-Mesh-Service", "orders" } } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        // Fan-out: a revision committed through A is pushed by B to the sidecar it holds.
        using var api = _replicaA.CreateHttpClient();
        await api.PutAsync("api/services/orders", """{"owner":"team","version":0}""");
        var revision = await api.PutAsync("api/services/orders/resilience", """{"timeoutMs":2000,"version":0}""");
        var config = await MeshFixture.WaitForAsync(orders, c => MeshFixture.Revision(c) >= revision);
        Assert.Contains("timeoutMs", config.GetRawText(), StringComparison.Ordinal);

        // Each replica shows the whole fleet: its own sidecar from its session, the other's from the store.
        foreach (var replica in new[] { _replicaA, _replicaB })
        {
            using var view = replica.CreateHttpClient();
            var fleet = await WaitForFleetAsync(view, revision);
            Assert.Equal(["frontend", "orders"], fleet.Select(s => s.GetProperty("service").GetString()));
        }
    }

    /// <summary>Reads <c>/api/sidecars</c> until every sidecar there is synced at <paramref name="revision"/> or later (bounded).</summary>
    private static async Task<List<JsonElement>> WaitForFleetAsync(HttpClient api, long revision)
    {
        List<JsonElement> fleet = [];
        for (var attempt = 0; attempt < 200; attempt++)
        {
            fleet = [.. (await api.GetFromJsonAsync<JsonElement>("api/sidecars")).EnumerateArray()];
            if (fleet.Count == 2 && fleet.TrueForAll(s => s.GetProperty("state").GetString() == "synced" && s.GetProperty("appliedRevision").GetInt64() >= revision))
                return fleet;
            await Task.Delay(50);
        }

        Assert.Fail($"the fleet never showed both sidecars synced at revision {revision}: {string.Join(", ", fleet)}");
        return fleet;
    }

    private async Task<SidecarOptions> StartSidecarAsync(string service, int appPort, KestrelConsole replica)
    {
        var options = new SidecarOptions
        {
            Service = service,
            AppPort = appPort,
            ControlPlane = replica.ControlPlaneAddress,
            ControlPlaneCa = MeshFixture.TrustOf(replica),
            JoinToken = KestrelConsole.JoinToken,
            Labels = new Dictionary<string, string> { ["version"] = "v1" },
            OutboundPort = KestrelConsole.FreePort(),
            InboundPort = KestrelConsole.FreePort(),
            AdminPort = KestrelConsole.FreePort(),
            StateDirectory = Directory.CreateTempSubdirectory("mesh-replica-").FullName,
        };
        var host = SidecarHost.Create(options, logging => logging.ClearProviders());
        await host.StartAsync();
        _parts.Add(host);
        return options;
    }

}
