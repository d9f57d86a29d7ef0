using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;
using MeshSidecar;
using MeshSidecar.Configuration;
using Xunit.Abstractions;

namespace Mesh.Integration.Tests;

/// <summary>
/// The real console as the mesh's CA and the real sidecars enforcing what it says: certificates issued
/// on join, mutual TLS in strict mode, an access deny from the console applied to the next calls, a
/// revoked instance cut off, and certificates rotating under load. Certificates live 8 s here, so every
/// test runs across rotations.
/// </summary>
public sealed class ZeroTrustTests(ZeroTrustTests.Mesh mesh, ITestOutputHelper output) : IClassFixture<ZeroTrustTests.Mesh>
{
    private const string Strict = """{ "defaultAction": "allow", "mtls": { "mode": "strict" }, "reason": "zero trust test: strict" }""";

    [Fact]
    public async Task StrictMode_CallerSidecar_ReachesOrdersOverMutualTlsAsItsVerifiedService()
    {
        await mesh.PutAccessAsync(Strict);
        using var client = MeshFixture.Client(mesh.Frontend);

        var answer = await Load.SendOneAsync(client, Load.To("orders", "/source"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("frontend", answer.Body);
        var identity = await IdentityAsync(mesh.Orders);
        Assert.Equal("spiffe://mesh.local/svc/orders", identity.GetProperty("spiffeId").GetString());
    }

    [Fact]
    public async Task StrictMode_PlaintextCallerNamingItselfByHeader_Refused()
    {
        await mesh.PutAccessAsync(Strict);
        using var direct = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{mesh.Orders.InboundPort}/") };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/source") { Headers = { { "X-Mesh-Source", "frontend" } } };
        var served = mesh.OrdersApp.Served;

        using var response = await direct.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("strict", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(served, mesh.OrdersApp.Served);
    }

    [Fact]
    public async Task AccessDenyWrittenInConsole_StopsTheEdgeFromTheNextRequests()
    {
        await mesh.PutAccessAsync(Strict);
        using var client = MeshFixture.Client(mesh.Frontend);
        Assert.Equal(HttpStatusCode.OK, (await Load.SendOneAsync(client, Load.To("orders", "/hello"))).Status);

        var written = Stopwatch.GetTimestamp();
        await mesh.PutAccessAsync("""
            { "defaultAction": "allow", "mtls": { "mode": "strict" },
              "rules": [ { "source": "frontend", "destination": "orders", "action": "deny" } ],
              "reason": "zero trust test: cut frontend -> orders" }
            """, wait: false);
        Answer answer;
        var attempts = 0;
        do
        {
            answer = await Load.SendOneAsync(client, Load.To("orders", "/hello"));
        }
        while (answer.Status == HttpStatusCode.OK && ++attempts < 1500 && await Pause(10));
        var elapsed = Stopwatch.GetElapsedTime(written);

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Contains("access denied: frontend", answer.Body, StringComparison.Ordinal);
        output.WriteLine($"deny written over REST → first 403 at the caller: {elapsed.TotalMilliseconds:F0} ms ({attempts} calls allowed before)");
        await mesh.PutAccessAsync(Strict);
        Assert.Equal(HttpStatusCode.OK, (await Load.SendOneAsync(client, Load.To("orders", "/hello"))).Status);
    }

    [Fact]
    public async Task RevokedInstance_RefusedByItsPeersAfterThePush()
    {
        await mesh.PutAccessAsync(Strict);
        var reports = await mesh.StartCallerAsync("reports");
        using var client = MeshFixture.Client(reports);
        Assert.Equal(HttpStatusCode.OK, (await Load.SendOneAsync(client, Load.To("orders", "/hello"))).Status);
        var serial = (await IdentityAsync(reports)).GetProperty("serial").GetString();

        var revoked = await mesh.Api.PostAsJsonAsync("api/identity/revocations", new { instanceId = reports.EffectiveInstanceId, reason = "zero trust test: key leaked" });
        Assert.True(revoked.IsSuccessStatusCode, await revoked.Content.ReadAsStringAsync());
        await MeshFixture.WaitForAsync(mesh.Orders, config => config.TryGetProperty("revokedSerials", out var serials)
            && serials.EnumerateArray().Any(s => string.Equals(s.GetString(), serial, StringComparison.OrdinalIgnoreCase)));
        var answer = await Load.SendOneAsync(client, Load.To("orders", "/hello"));

        Assert.NotEqual(HttpStatusCode.OK, answer.Status);
        using var frontend = MeshFixture.Client(mesh.Frontend);
        Assert.Equal(HttpStatusCode.OK, (await Load.SendOneAsync(frontend, Load.To("orders", "/hello"))).Status);
    }

    [Fact]
    public async Task CertificatesRotating_UnderLoad_NoRequestFails()
    {
        await mesh.PutAccessAsync(Strict);
        using var client = MeshFixture.Client(mesh.Frontend);
        var callerSerial = (await IdentityAsync(mesh.Frontend)).GetProperty("serial").GetString();
        var calleeSerial = (await IdentityAsync(mesh.Orders)).GetProperty("serial").GetString();

        // Bounded by count and by time: 4 callers for 10 s (two rotations of each side), at most 20,000 calls.
        var until = Stopwatch.GetTimestamp() + (long)(10 * Stopwatch.Frequency);
        var failures = new List<string>();
        var sent = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < until && Interlocked.Increment(ref sent) <= 20_000)
            {
                var answer = await Load.SendOneAsync(client, Load.To("orders", "/hello"));
                if (answer.Status != HttpStatusCode.OK)
                {
                    lock (failures)
                        failures.Add($"{(int)answer.Status} {answer.Body}");
                }
            }
        }));

        Assert.Empty(failures);
        Assert.NotEqual(callerSerial, (await IdentityAsync(mesh.Frontend)).GetProperty("serial").GetString());
        Assert.NotEqual(calleeSerial, (await IdentityAsync(mesh.Orders)).GetProperty("serial").GetString());
        output.WriteLine($"{Math.Min(sent, 20_000)} calls across certificate rotations, none failed");
    }

    private static async Task<bool> Pause(int milliseconds)
    {
        await Task.Delay(milliseconds);
        return true;
    }

    private static async Task<JsonElement> IdentityAsync(SidecarOptions sidecar)
    {
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{sidecar.AdminPort}/") };
        for (var attempt = 0; attempt < 150; attempt++)
        {
            using var response = await admin.GetAsync("identity");
            if (response.IsSuccessStatusCode)
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            await Task.Delay(100);
        }

        throw new TimeoutException($"sidecar {sidecar.EffectiveInstanceId} never got a workload certificate");
    }

    /// <summary>A console issuing 8-second certificates, an app "orders" behind its sidecar, and a "frontend" caller.</summary>
    public sealed class Mesh : IAsyncLifetime
    {
        private readonly List<IAsyncDisposable> _parts = [];
        private TestDatabase _database = null!;

        public KestrelConsole Console { get; private set; } = null!;

        public HttpClient Api { get; private set; } = null!;

        public EchoApp OrdersApp { get; private set; } = null!;

        public SidecarOptions Orders { get; private set; } = null!;

        public SidecarOptions Frontend { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
            Console = new KestrelConsole(_database, new Dictionary<string, string>
            {
                ["Mesh:ControlPlane:PushDebounce"] = "00:00:00.020",
                ["Mesh:Identity:CertificateLifetime"] = "00:00:08",
                ["Mesh:Identity:RotationOverlap"] = "00:00:08",
            });
            Console.StartServer();
            Api = Console.CreateHttpClient();
            OrdersApp = await EchoApp.StartAsync("orders");
            _parts.Add(OrdersApp);
            Orders = await StartSidecarAsync("orders", OrdersApp.Port);
            Frontend = await StartCallerAsync("frontend");
        }

        /// <summary>A sidecar for a calling service (its app port unused), once it knows the orders instance.</summary>
        public async Task<SidecarOptions> StartCallerAsync(string service)
        {
            var caller = await StartSidecarAsync(service, KestrelConsole.FreePort());
            await MeshFixture.WaitForAsync(caller, config => MeshFixture.Endpoints(config, "orders") == 1);
            return caller;
        }

        /// <summary>Writes the mesh's access policy over the console's REST API and, unless told not to, waits until both sidecars apply it.</summary>
        public async Task PutAccessAsync(string json, bool wait = true)
        {
            var current = JsonDocument.Parse(await Api.GetStringAsync("api/access")).RootElement;
            var version = current.TryGetProperty("version", out var v) ? v.GetInt64() : 0;
            var body = json.TrimEnd().TrimEnd('}') + $", \"version\": {version} }}";
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await Api.PutAsync("api/access", content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            if (!wait)
                return;
            var revision = JsonDocument.Parse(text).RootElement.TryGetProperty("revision", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt64() : 0;
            await MeshFixture.WaitForRevisionAsync(revision, Orders, Frontend);
        }

        public async Task DisposeAsync()
        {
            for (var i = _parts.Count - 1; i >= 0; i--)
                await _parts[i].DisposeAsync();
            Api.Dispose();
            await Console.DisposeAsync();
            await _database.DisposeAsync();
        }

        private async Task<SidecarOptions> StartSidecarAsync(string service, int appPort)
        {
            var options = new SidecarOptions
            {
                Service = service,
                AppPort = appPort,
                ControlPlane = Console.ControlPlaneAddress,
                ControlPlaneCa = MeshFixture.TrustOf(Console),
                JoinToken = KestrelConsole.JoinToken,
                OutboundPort = KestrelConsole.FreePort(),
                InboundPort = KestrelConsole.FreePort(),
                AdminPort = KestrelConsole.FreePort(),
                StateDirectory = Directory.CreateTempSubdirectory("mesh-sidecar-").FullName,
            };
            var host = SidecarHost.Create(options, logging => logging.ClearProviders());
            await host.StartAsync();
            _parts.Add(host);
            await MeshFixture.WaitForAsync(options, config => MeshFixture.Revision(config) >= 0 && config.TryGetProperty("trustAnchors", out _));
            return options;
        }
    }
}
