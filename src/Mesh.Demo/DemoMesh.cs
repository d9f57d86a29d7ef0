using System.Text;
using MeshSidecar;
using MeshSidecar.Configuration;

namespace Mesh.Demo;

/// <summary>Starts the shop's apps and their sidecars, declares the services in the console, and sends traffic.</summary>
public sealed partial class DemoMesh(Uri console, Uri controlPlane, Uri otlp, string apiToken, string joinToken, ILogger logger) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _running = [];
    private readonly DemoPorts _ports = new();
    private int _loadgenPort;

    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var service in ShopService.Shop)
        {
            var appPort = _ports.Next();
            var sidecar = await StartSidecarAsync(service.Name, service.Version, appPort, ct);
            _running.Add(await service.StartAsync(appPort, sidecar.OutboundPort));
        }

        // Traffic enters the mesh through a sidecar of its own, so the graph shows where it comes from.
        _loadgenPort = (await StartSidecarAsync("loadgen", "v1", _ports.Next(), ct)).OutboundPort;
        await DeclareAsync(ct);
    }

    /// <summary>Calls the frontend through the mesh, <paramref name="perSecond"/> times a second, until cancelled.</summary>
    public async Task SendTrafficAsync(double perSecond, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_loadgenPort}/"), Timeout = TimeSpan.FromSeconds(10) };
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / perSecond));
        long sent = 0, failed = 0;
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "X-Mesh-Service", "frontend" } } };
                using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    failed++;
            }
            catch (HttpRequestException)
            {
                failed++;
            }

            if (++sent % 300 == 0)
                LogTraffic(logger, sent, failed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _running.Count - 1; i >= 0; i--)
            await _running[i].DisposeAsync().ConfigureAwait(false);
    }

    private async Task<SidecarOptions> StartSidecarAsync(string service, string version, int appPort, CancellationToken ct)
    {
        var options = new SidecarOptions
        {
            Service = service,
            AppPort = appPort,
            ControlPlane = controlPlane,
            JoinToken = joinToken,
            // Every sidecar reports its calls to the console, which draws them as the topology.
            Otlp = new OtlpExport(otlp, OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, TimeSpan.FromSeconds(5)),
            Labels = new Dictionary<string, string> { ["version"] = version },
            OutboundPort = _ports.Next(),
            InboundPort = _ports.Next(),
            AdminPort = _ports.Next(),
            InstanceId = $"{service}-{version}",
            StateDirectory = Path.Combine(Path.GetTempPath(), "mesh-demo", $"{service}-{version}"),
        };
        var host = SidecarHost.Create(options, logging => logging.AddFilter(_ => false));
        await host.StartAsync(ct).ConfigureAwait(false);
        _running.Add(host);
        return options;
    }

    /// <summary>
    /// Creates the shop's services, the orders canary (90% v1, 10% v2), the payments resilience policy
    /// and the access policy (strict mTLS; only orders pays) unless they exist already.
    /// </summary>
    private async Task DeclareAsync(CancellationToken ct)
    {
        using var api = new HttpClient { BaseAddress = console };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiToken);
        foreach (var name in ShopService.Shop.Select(s => s.Name).Append("loadgen").Distinct())
            await PutIfAbsentAsync(api, $"api/services/{name}", $$"""{"owner":"demo","description":"demo shop: {{name}}","version":0,"reason":"demo mesh"}""", ct);
        await PutIfAbsentAsync(api, "api/services/orders/routes", """
            { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
              "rules": [
                { "name": "beta-users", "match": {"headers": {"x-user-group": {"exact": "beta"}}},
                  "destinations": [ {"subset":"v2","weight":100} ] },
                { "destinations": [ {"subset":"v1","weight":90}, {"subset":"v2","weight":10} ] } ],
              "version": 0, "reason": "demo mesh: canary orders v2 at 10%" }
            """, ct);
        await PutIfAbsentAsync(api, "api/services/payments/resilience", """
            { "timeoutMs": 2000,
              "retries": { "attempts": 2, "perTryTimeoutMs": 800, "retryOn": ["5xx", "connect-failure"], "budget": { "percent": 20, "minRetriesPerSecond": 3 } },
              "circuitBreaker": { "consecutive5xx": 5, "ejectionTimeMs": 10000, "maxEjectedPercent": 50 },
              "version": 0, "reason": "demo mesh: payments retried within a budget, outliers ejected" }
            """, ct);
        await PutIfAbsentAsync(api, "api/access", """
            { "defaultAction": "allow", "mtls": { "mode": "strict" },
              "rules": [ { "source": "frontend", "destination": "payments", "action": "deny" } ],
              "version": 0, "reason": "demo mesh: mutual TLS only; the frontend never calls payments directly" }
            """, ct);
    }

    private async Task PutIfAbsentAsync(HttpClient api, string path, string json, CancellationToken ct)
    {
        // The access policy always answers (the mesh's default at version 0): written means a version above 0.
        using var existing = await api.GetAsync(path, ct).ConfigureAwait(false);
        if (existing.IsSuccessStatusCode && System.Text.Json.JsonDocument.Parse(await existing.Content.ReadAsStringAsync(ct).ConfigureAwait(false))
                .RootElement.TryGetProperty("version", out var version) && version.GetInt64() > 0)
            return;
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await api.PutAsync(path, content, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            LogDeclareFailed(logger, path, (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo traffic: {Sent} requests sent, {Failed} failed")]
    private static partial void LogTraffic(ILogger logger, long sent, long failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not declare {Path}: {Status} {Body}")]
    private static partial void LogDeclareFailed(ILogger logger, string path, int status, string body);
}
