using System.Net;
using Google.Protobuf;
using MeshSidecar.Admin;
using MeshSidecar.Configuration;
using MeshSidecar.ControlPlane;
using MeshSidecar.Identity;
using MeshSidecar.Listeners;
using MeshSidecar.Proxy;
using MeshSidecar.Snapshots;
using MeshSidecar.Traffic;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.LoadBalancing;

namespace MeshSidecar;

/// <summary>
/// The sidecar: three listeners, each its own small web app, sharing one snapshot holder and one
/// workload identity. Outbound takes the app's calls and routes them to peers over mutual TLS;
/// inbound takes peers' calls (mutual TLS, or plaintext where permissive), enforces access and
/// forwards them to the app; admin answers /ready, /config and /identity. Separate apps keep each
/// port's routes apart.
/// </summary>
public sealed class SidecarHost : IAsyncDisposable
{
    private readonly WebApplication[] _apps;
    private readonly SidecarMetrics _metrics;
    private int _disposed;

    private SidecarHost(WebApplication[] apps, SidecarMetrics metrics, SnapshotHolder snapshots, IdentityHolder identity)
    {
        _apps = apps;
        _metrics = metrics;
        Snapshots = snapshots;
        Identity = identity;
    }

    /// <summary>The snapshot in force; the control-plane client feeds it, and tests may too.</summary>
    internal SnapshotHolder Snapshots { get; }

    /// <summary>The workload identity; the control-plane client feeds it, and tests may too.</summary>
    internal IdentityHolder Identity { get; }

    public static SidecarHost Create(SidecarOptions options, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = TimeProvider.System;
        logging ??= DefaultLogging;
        using var loggers = LoggerFactory.Create(logging);
        var metrics = new SidecarMetrics(options);
        metrics.CreateRevisionGauge();
        var holder = new SnapshotHolder(options, time, loggers.CreateLogger<SnapshotHolder>(), metrics);
        holder.LoadFromDisk();
        var identity = new IdentityHolder(options, time, loggers.CreateLogger<IdentityHolder>());
        identity.LoadFromDisk();
        var trust = new ControlPlaneTrust(options, holder, time, loggers.CreateLogger<ControlPlaneTrust>());
        var client = new ControlPlaneClient(options, holder, identity, trust, time, loggers.CreateLogger<ControlPlaneClient>());
        var listen = IPAddress.Parse(options.ListenAddress);

        var zone = options.Labels.GetValueOrDefault(OutboundPolicies.ZoneLabel);
        var mirroring = new Mirroring(metrics, options.Service);
        var outbound = Builder(listen, options.OutboundPort, logging);
        outbound.Services.AddSingleton(holder);
        outbound.Services.AddSingleton(identity);
        outbound.Services.AddSingleton(metrics);
        outbound.Services.AddSingleton(time);
        outbound.Services.AddSingleton<Yarp.ReverseProxy.Configuration.IProxyConfigProvider>(new MeshProxyConfigProvider(holder));
        outbound.Services.AddSingleton<OutlierDetector>();
        outbound.Services.AddSingleton(services =>
            new OutboundPolicies(holder, metrics, mirroring, services.GetRequiredService<OutlierDetector>(), time, options.Service, zone));
        outbound.Services.AddSingleton<IForwarderHttpClientFactory, MeshForwarderHttpClientFactory>();
        outbound.Services.AddSingleton<ILoadBalancingPolicy, ConsistentHashPolicy>();
        outbound.Services.AddReverseProxy()
            .AddTransforms(HttpVersionTransform.Apply)
            .AddTransforms(OutboundTransform.For(options.Service));
        var outboundApp = outbound.Build();
        outboundApp.MapReverseProxy(proxy =>
        {
            proxy.Use(proxy.ApplicationServices.GetRequiredService<OutboundPolicies>().InvokeAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
        });
        outboundApp.MapFallback(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return context.Response.WriteAsync(
                $"no mesh service is named by the {MeshProxyConfigProvider.ServiceHeader} header or the Host \"{context.Request.Host}\"",
                context.RequestAborted);
        });

        var access = new InboundAccess(holder, metrics, options.Service, loggers.CreateLogger<InboundAccess>());
        var inboundPolicies = new InboundPolicies(holder, access, metrics, time, options.Service);
        var tls = new InboundTls(identity, holder, metrics, time, loggers.CreateLogger<InboundTls>());
        var inbound = Builder(listen, options.InboundPort, logging, tls.Configure);
        inbound.Services.AddHttpForwarder();
        var inboundApp = inbound.Build();
        inboundApp.Use(inboundPolicies.InvokeAsync);
        inboundApp.MapForwarder("/{**catch-all}", $"http://127.0.0.1:{options.AppPort}", HttpVersionTransform.Apply);

        var admin = Builder(listen, options.AdminPort, logging, _ => { });
        admin.Services.AddSingleton(options);
        admin.Services.AddSingleton(holder);
        admin.Services.AddSingleton(client);
        admin.Services.AddHostedService(_ => client);
        admin.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("meshsidecar", serviceInstanceId: options.EffectiveInstanceId))
            .WithMetrics(meters => meters
                // The sidecar records http.client/server.request.duration itself, with the mesh's
                // attributes; ASP.NET Core's and HttpClient's instruments of the same names stay out.
                .AddMeter("Microsoft.AspNetCore.Server.Kestrel", metrics.Name)
                .AddPrometheusExporter()
                .AddOtlp(options.Otlp, options.JoinToken, trust));
        var adminApp = admin.Build();
        adminApp.MapPrometheusScrapingEndpoint("/metrics");
        adminApp.MapGet("/ready", () => holder.Current is null
            ? Results.Text("no snapshot yet: waiting for the control plane", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text($"ready: revision {holder.Current.Revision}{(client.Connected ? "" : " (control plane unreachable; serving the last snapshot)")}"));
        adminApp.MapGet("/config", () => holder.Current is { } current
            ? Results.Text(new JsonFormatter(JsonFormatter.Settings.Default.WithIndentation()).Format(current.Message), "application/json")
            : Results.NotFound());

        adminApp.MapGet("/identity", () => IdentityView.Of(identity.Current, holder.Current?.Trust) is { } view
            ? Results.Json(view, IdentityView.Json)
            : Results.Text("no workload certificate yet: waiting for the console", statusCode: StatusCodes.Status404NotFound));

        return new SidecarHost([outboundApp, inboundApp, adminApp], metrics, holder, identity);
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        foreach (var app in _apps)
            await app.StartAsync(ct).ConfigureAwait(false);
    }

    public Task WaitForShutdownAsync(CancellationToken ct = default) =>
        Task.WhenAny(_apps.Select(a => a.WaitForShutdownAsync(ct)));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        foreach (var app in _apps.Reverse())
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
    }

    /// <summary>
    /// The sidecar's own decisions at Information; the frameworks under it (ASP.NET Core, YARP,
    /// HttpClient) only from Warning: a line per request would cost a proxy a third of its throughput.
    /// </summary>
    private static void DefaultLogging(ILoggingBuilder builder) => builder
        .AddSimpleConsole(o => o.SingleLine = true)
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddFilter("Yarp", LogLevel.Warning)
        .AddFilter("System.Net.Http", LogLevel.Warning);

    private static WebApplicationBuilder Builder(IPAddress listen, int port, Action<ILoggingBuilder> logging, Action<ListenOptions>? configure = null)
    {
        // Configured by flags alone: no file in the working directory is read or watched (a watcher
        // per listener would also spend the process's few inotify instances).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        // The sidecar is configured by its flags alone: an appsettings.json that happens to sit in
        // its working directory (an app's own) must not add Kestrel endpoints to its listeners.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        logging(builder.Logging);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            ProtocolDetection.Configure(kestrel);
            // Bodies stream through; a proxy must not cap what the app and its peers agree on.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(listen, port, configure ?? (l => l.UseDetection()));
        });
        return builder;
    }
}
