using System.Net;
using System.Text.Json;

using Mesh.Testing;

namespace Mesh.Integration.Tests;

/// <summary>
/// Traffic never depends on the console being up: sidecars serve their last snapshot, from memory
/// and from disk, and resynchronise when it returns. One journey, in order, on its own mesh.
/// </summary>
public sealed class StaticStabilityTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    [Fact]
    public async Task ConsoleKilledAndRestarted_TrafficNeverFailsAndSidecarsResync()
    {
        using var client = MeshFixture.Client(mesh.Frontend);

        // 1. Kill the console while requests flow: none may fail.
        var traffic = SendSteadilyAsync(client, requests: 300, pause: TimeSpan.FromMilliseconds(10));
        await Task.Delay(500);
        await mesh.StopConsoleAsync();
        var statuses = await traffic;
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{mesh.Frontend.AdminPort}/") };
        Assert.Contains("control plane unreachable", await admin.GetStringAsync("ready"), StringComparison.Ordinal);

        // 2. Restart the caller's sidecar while the console is still down: it serves from disk.
        await mesh.StopSidecarAsync(mesh.Frontend);
        await mesh.StartSidecarAsync(mesh.Frontend);
        Assert.All(await SendSteadilyAsync(client, requests: 50, pause: TimeSpan.Zero), status => Assert.Equal(HttpStatusCode.OK, status));

        // 3. The console comes back: every sidecar reconnects and acknowledges the latest snapshot,
        //    and a change made now reaches them.
        mesh.RestartConsole();
        await WaitForAllSyncedAsync(expected: 3);
        Assert.All(await SendSteadilyAsync(client, requests: 50, pause: TimeSpan.Zero), status => Assert.Equal(HttpStatusCode.OK, status));
        await mesh.Api.PutAsync("api/services/orders", """{"owner":"team","version":0}""");
        var revision = await mesh.Api.PutAsync("api/services/orders/routes", """
            { "subsets": [ {"name":"v2","labels":{"version":"v2"}} ],
              "rules": [ { "destinations": [ {"subset":"v2","weight":100} ] } ], "version": 0 }
            """);
        await MeshFixture.WaitForAsync(mesh.Frontend, config => MeshFixture.Revision(config) >= revision);
        using var request = new HttpRequestMessage(HttpMethod.Get, "hello") { Headers = { { "X-Mesh-Service", "orders" } } };
        Assert.StartsWith("orders-v2", await (await client.SendAsync(request)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<List<HttpStatusCode>> SendSteadilyAsync(HttpClient client, int requests, TimeSpan pause)
    {
        var statuses = new List<HttpStatusCode>(requests);
        for (var i = 0; i < requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "hello") { Headers = { { "X-Mesh-Service", "orders" } } };
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (pause > TimeSpan.Zero)
                await Task.Delay(pause);
        }

        return statuses;
    }

    /// <summary>Polls GET /api/sidecars until the expected number are connected and synced; bounded to 30 s.</summary>
    private async Task WaitForAllSyncedAsync(int expected)
    {
        var last = "";
        for (var attempt = 0; attempt < 300; attempt++)
        {
            last = await mesh.Api.GetStringAsync("api/sidecars");
            var synced = JsonDocument.Parse(last).RootElement.EnumerateArray().Count(s => s.GetProperty("state").GetString() == "synced");
            if (synced == expected)
                return;
            await Task.Delay(100);
        }

        throw new TimeoutException($"not all sidecars synced: {last}");
    }
}
