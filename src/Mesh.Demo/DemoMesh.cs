using MeshSidecar;
using MeshSidecar.Configuration;

namespace Mesh.Demo;

/// <summary>Starts the shop's apps and their sidecars, declares the services in the console, and sends traffic.</summary>
public sealed class DemoMesh(Uri console, Uri controlPlane, Uri otlp, string apiToken, string joinToken, ILogger logger) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _running = [];
    private readonly DemoPorts _ports = new();
    private int _loadgenPort;
    private ControlPlaneCa? _trust;

    public async Task StartAsync(CancellationToken ct)
    {
        if (controlPlane.Scheme == Uri.UriSchemeHttps || otlp.Scheme == Uri.UriSchemeHttps)
            _trust = await TrustAsync(ct).ConfigureAwait(false);
        foreach (var service in ShopService.Shop)
        {
            var appPort = _ports.Next();
            var sidecar = await StartSidecarAsync(service.Name, service.Version, appPort, ct);
            _running.Add(await service.StartAsync(appPort, new Uri($"http://127.0.0.1:{sidecar.OutboundPort}/")));
        }

        // Traffic enters the mesh through a sidecar of its own, so the graph shows where it comes from.
        _loadgenPort = (await StartSidecarAsync("loadgen", "v1", _ports.Next(), ct)).OutboundPort;
        await new DemoPolicies(console, apiToken, logger).DeclareAsync(ct);
    }

    /// <summary>Calls the frontend through the mesh, <paramref name="perSecond"/> times a second, until cancelled.</summary>
    public Task SendTrafficAsync(double perSecond, CancellationToken ct) =>
        new DemoTraffic(new Uri($"http://127.0.0.1:{_loadgenPort}/"), logger).SendAsync(perSecond, ct);

    public async ValueTask DisposeAsync()
    {
        for (var i = _running.Count - 1; i >= 0; i--)
            await _running[i].DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The mesh CAs, read from the console's API with the demo's token over the loopback web port, and
    /// kept in a file as an operator would hand it to sidecars (--control-plane-ca).
    /// </summary>
    private async Task<ControlPlaneCa> TrustAsync(CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = console };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiToken);
        var pem = await client.GetStringAsync(new Uri("api/identity/trust-bundle", UriKind.Relative), ct).ConfigureAwait(false);
        var file = Path.Combine(Path.GetTempPath(), "mesh-demo", "mesh-ca.pem");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, pem, ct).ConfigureAwait(false);
        var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        certificates.ImportFromPem(pem);
        return new ControlPlaneCa(file, certificates);
    }

    private async Task<SidecarOptions> StartSidecarAsync(string service, string version, int appPort, CancellationToken ct)
    {
        var options = new SidecarOptions
        {
            Service = service,
            AppPort = appPort,
            ControlPlane = controlPlane,
            ControlPlaneCa = _trust,
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
}
