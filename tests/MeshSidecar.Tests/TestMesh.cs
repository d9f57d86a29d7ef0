using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Mesh.Contracts.Otlp.Collector.Metrics.V1;
using Mesh.Contracts.V1;
using MeshSidecar.Configuration;
using MeshSidecar.Identity;
using MeshSidecar.Listeners;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshSidecar.Tests;

/// <summary>
/// Two real sidecars on loopback: "web" calls "orders", whose sidecar stands in front of a real app
/// (HTTP/1.1, HTTP/2 and gRPC). The test feeds snapshots and certificates to both as the console
/// would, from a <see cref="TestCa"/>; every request is real traffic through Kestrel and YARP.
/// </summary>
internal sealed class TestMesh : IAsyncDisposable
{
    public const string MetricsGrpcService = "opentelemetry.proto.collector.metrics.v1.MetricsService";

    private readonly DirectoryInfo _state;
    private readonly StrongBox<int> _mirrored;
    private readonly WebApplication _app;
    private long _revision;

    private TestMesh(DirectoryInfo state, WebApplication app, StrongBox<int> mirrored, SidecarHost web, SidecarHost orders, SidecarOptions webOptions, SidecarOptions ordersOptions)
    {
        _state = state;
        _mirrored = mirrored;
        _app = app;
        Web = web;
        Orders = orders;
        WebOptions = webOptions;
        OrdersOptions = ordersOptions;
        Caller = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webOptions.OutboundPort}") };
        Caller.DefaultRequestHeaders.Add("X-Mesh-Service", "orders");
    }

    public TestCa Ca { get; } = new();

    public SidecarHost Web { get; }

    public SidecarHost Orders { get; }

    public SidecarOptions WebOptions { get; }

    public SidecarOptions OrdersOptions { get; }

    /// <summary>Requests that reached the orders app as mirror copies.</summary>
    public int Mirrored => Volatile.Read(ref _mirrored.Value);

    /// <summary>The web app's client: plain HTTP to its own sidecar's outbound port, naming orders.</summary>
    public HttpClient Caller { get; }

    public static async Task<TestMesh> StartAsync()
    {
        var state = Directory.CreateTempSubdirectory("mesh-sidecar-mtls-");
        var mirrored = new StrongBox<int>();
        var app = await StartAppAsync(mirrored);
        var appPort = new Uri(app.Urls.Single()).Port;
        var ports = new Queue<int>(FreePorts(9));
        var webOptions = Options("web", ports.Dequeue(), ports, state);
        var ordersOptions = Options("orders", appPort, ports, state);
        var web = SidecarHost.Create(webOptions, logging => logging.ClearProviders());
        var orders = SidecarHost.Create(ordersOptions, logging => logging.ClearProviders());
        await web.StartAsync();
        await orders.StartAsync();
        return new TestMesh(state, app, mirrored, web, orders, webOptions, ordersOptions);
    }

    /// <summary>Issues both sidecars a certificate, as the console does after their Hello.</summary>
    public void IssueBoth(TimeSpan? lifetime = null)
    {
        Issue(Web, "web", lifetime);
        Issue(Orders, "orders", lifetime);
    }

    public string? Issue(SidecarHost host, string service, TimeSpan? lifetime = null) =>
        host.Identity.Apply(Ca.Sign(host.Identity.CreateRequest(Ca.TrustDomain), service, lifetime));

    /// <summary>Pushes a new snapshot to both sidecars: orders at its sidecar's inbound port, this CA's trust, the access policy.</summary>
    public void Push(string? accessJson, params string[] revokedSerials) => Push(accessJson, OrdersOptions.InboundPort, revokedSerials);

    /// <summary>As <see cref="Push(string?, string[])"/>, with orders' one instance at <paramref name="ordersPort"/>.</summary>
    public void Push(string? accessJson, int ordersPort, params string[] revokedSerials) => Push(accessJson, ordersPort, null, revokedSerials);

    /// <summary>As above, letting <paramref name="shape"/> change orders' config (routes, more instances) before it is pushed.</summary>
    public void Push(string? accessJson, int ordersPort, Action<ServiceConfig>? shape, params string[] revokedSerials)
    {
        var revision = Interlocked.Increment(ref _revision);
        foreach (var host in new[] { Web, Orders })
        {
            var orders = new ServiceConfig
            {
                Name = "orders",
                Endpoints = { new Mesh.Contracts.V1.Endpoint { InstanceId = "orders-1", Address = "127.0.0.1", Port = (uint)ordersPort, Healthy = true } },
                GrpcServices = { MetricsGrpcService },
            };
            shape?.Invoke(orders);
            var snapshot = Ca.Trust(TestSnapshots.Snapshot(revision, orders), revokedSerials);
            snapshot.AccessJson = accessJson ?? "";
            var error = host.Snapshots.Apply(snapshot);
            Assert.Null(error);
        }
    }

    /// <summary>A client straight to orders' inbound port over TLS, presenting <paramref name="certificate"/> (or none).</summary>
    public HttpClient Direct(X509Certificate2? certificate, Action<X509Certificate2>? serverCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                // The server must prove it is orders, as a calling sidecar would check.
                RemoteCertificateValidationCallback = (_, server, _, _) =>
                {
                    if (server is not X509Certificate2 x509)
                        return false;
                    serverCertificate?.Invoke(x509);
                    var trust = new TrustBundle([Ca.Certificate], new HashSet<string>(), Ca.TrustDomain);
                    return PeerVerifier.Verify(x509, [], trust, DateTimeOffset.UtcNow).Service == "orders";
                },
            },
        };
        if (certificate is not null)
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{OrdersOptions.InboundPort}") };
    }

    /// <summary>A plaintext client straight to orders' inbound port: a caller without any certificate.</summary>
    public HttpClient Plaintext() => new() { BaseAddress = new Uri($"http://127.0.0.1:{OrdersOptions.InboundPort}") };

    public async ValueTask DisposeAsync()
    {
        Caller.Dispose();
        await Web.DisposeAsync();
        await Orders.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Ca.Dispose();
        _state.Delete(recursive: true);
    }

    public static int FreePort() => FreePorts(1)[0];

    /// <summary>Distinct free ports: all held open at once, so none is handed out twice.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    private static SidecarOptions Options(string service, int appPort, Queue<int> ports, DirectoryInfo state) => new()
    {
        Service = service,
        AppPort = appPort,
        // Nothing listens there: the test is the console.
        ControlPlane = new Uri($"http://127.0.0.1:{ports.Dequeue()}"),
        OutboundPort = ports.Dequeue(),
        InboundPort = ports.Dequeue(),
        AdminPort = ports.Dequeue(),
        InstanceId = $"{service}-1",
        StateDirectory = Path.Combine(state.FullName, service),
    };

    /// <summary>The orders app: /hello names the protocol and the caller its sidecar vouched for; gRPC MetricsService/Export answers empty.</summary>
    private static async Task<WebApplication> StartAppAsync(StrongBox<int> mirrored)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            ProtocolDetection.Configure(kestrel);
            kestrel.Listen(IPAddress.Loopback, 0, l => l.UseDetection());
        });
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Headers.ContainsKey("X-Mesh-Mirror"))
                Interlocked.Increment(ref mirrored.Value);
            return next(context);
        });
        app.MapGet("/hello", (HttpContext context) =>
            $"orders over {context.Request.Protocol}; caller {context.Request.Headers["X-Mesh-Source"]}");
        app.MapGet("/public/hello", () => "public");
        app.MapGrpcService<MetricsApp>();
        await app.StartAsync();
        return app;
    }

    private sealed class MetricsApp : MetricsService.MetricsServiceBase
    {
        public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context) =>
            Task.FromResult(new ExportMetricsServiceResponse());
    }
}
