using System.Globalization;
using MeshConsole.ControlPlane;
using MeshConsole.Data;
using MeshConsole.Telemetry.Aggregation;
using MeshConsole.Topology;
using Microsoft.Extensions.Options;

namespace MeshConsole.Telemetry;

internal static class TelemetryExtensions
{
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OtlpOptions>()
            .Bind(builder.Configuration.GetSection(OtlpOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The OtlpGrpc and OtlpHttp endpoints (HTTP/2 for gRPC, TLS from the mesh CA) are set up
        // with the control plane's in Identity/MeshEndpoints.
        var maxMessageBytes = builder.Configuration.GetValue($"{OtlpOptions.Section}:{nameof(OtlpOptions.MaxMessageBytes)}", new OtlpOptions().MaxMessageBytes);
        builder.Services.AddGrpc()
            .AddServiceOptions<OtlpMetricsReceiver>(grpc => grpc.MaxReceiveMessageSize = maxMessageBytes)
            .AddServiceOptions<OtlpTraceReceiver>(grpc => grpc.MaxReceiveMessageSize = maxMessageBytes);
        builder.Services.AddOptions<TelemetryAccessOptions>()
            .Bind(builder.Configuration.GetSection(TelemetryAccessOptions.Section));
        builder.Services.AddOptions<TopologyOptions>()
            .Bind(builder.Configuration.GetSection(TopologyOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.RedErrorPercent >= o.AmberErrorPercent, "Mesh:Topology:RedErrorPercent must not be below Mesh:Topology:AmberErrorPercent.")
            .ValidateOnStart();
        builder.Services.AddSingleton(NewTopologyAggregator);
        builder.Services.AddSingleton(services => new ReplicaCalls(SharesTelemetry(services)
            ? NewTopologyAggregator(services)
            : services.GetRequiredService<TopologyAggregator>()));
        builder.Services.AddSingleton(services => new SubsetAggregator(services.GetRequiredService<TimeProvider>(), new TopologyAggregatorOptions
        {
            MaxEdges = services.GetRequiredService<IOptions<TopologyOptions>>().Value.MaxSubsets,
        }));
        builder.Services.AddSingleton(services => new RecentSpans(services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(services => new TelemetrySharing(
            services.GetRequiredService<TopologyAggregator>(), services.GetRequiredService<SubsetAggregator>(),
            services.GetRequiredService<RecentSpans>(), services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<TimeProvider>(),
            SharesTelemetry(services),
            services.GetRequiredService<ILogger<TelemetrySharing>>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<TelemetrySharing>());
        builder.Services.AddSingleton<TelemetryIngest>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TelemetryIngest>());
        // The process's start, not the first export's: a stream that began in between is counted whole.
        builder.Services.AddSingleton(services => new CumulativeStreams(
            services.GetRequiredService<TimeProvider>(), System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()));
        builder.Services.AddSingleton<OtlpMetricsReceiver>();
        builder.Services.AddSingleton<OtlpTraceReceiver>();
        builder.Services.AddHostedService<RollupWriter>();
        builder.Services.AddSingleton<TopologyReader>();
        return builder;
    }

    /// <summary>Replicas share one Postgres; a console on SQLite is alone.</summary>
    private static bool SharesTelemetry(IServiceProvider services) =>
        services.GetRequiredService<IOptions<Mesh.Store.StoreOptions>>().Value.IsPostgres;

    private static TopologyAggregator NewTopologyAggregator(IServiceProvider services)
    {
        var topology = services.GetRequiredService<IOptions<TopologyOptions>>().Value;
        return new TopologyAggregator(services.GetRequiredService<TimeProvider>(), new TopologyAggregatorOptions
        {
            MaxEdges = topology.MaxEdges,
            Health = new HealthThresholds(topology.AmberErrorPercent, topology.RedErrorPercent),
        });
    }

    public static WebApplication MapTelemetry(this WebApplication app)
    {
        var anonymous = app.Services.GetRequiredService<IOptions<TelemetryAccessOptions>>().Value.AllowAnonymousIngest;
        Ingest(app.MapGrpcService<OtlpMetricsReceiver>(), anonymous);
        Ingest(app.MapGrpcService<OtlpTraceReceiver>(), anonymous);
        Ingest(app.MapPost("/v1/traces", OtlpTraceReceiver.PostAsync)
            .WithTags("Telemetry")
            .WithSummary("OTLP/HTTP trace export (application/x-protobuf or application/json).")
            .DisableAntiforgery(), anonymous);
        Ingest(app.MapPost("/v1/metrics", OtlpMetricsReceiver.PostAsync)
            .WithTags("Telemetry")
            .WithSummary("OTLP/HTTP metrics export (application/x-protobuf or application/json).")
            .DisableAntiforgery(), anonymous);
        app.MapGet("/api/topology/spans", Spans)
            .WithTags("Telemetry")
            .WithSummary("The latest spans seen on one edge, oldest first.");
        app.MapGet("/api/topology", Topology)
            .WithTags("Telemetry")
            .WithSummary("Services and the calls between them over a sliding window: rate, error %, latency quantiles, health.");
        app.MapSubsetEndpoints();
        return app;
    }

    /// <summary>OTLP senders authenticate with an API token of any role, unless anonymous ingest is allowed.</summary>
    private static void Ingest(IEndpointConventionBuilder endpoint, bool anonymous)
    {
        if (anonymous)
            endpoint.AllowAnonymous();
        else
            endpoint.RequireAuthorization(MeshPolicies.Ingest);
    }

    private static async Task<IResult> Topology(string? window, string? at, TopologyReader reader, SnapshotPublisher publisher, CancellationToken ct)
    {
        var span = AggregationWindows.FiveMinutes;
        if (window is not null && !AggregationWindows.TryParse(window, out span))
            return ApiProblem("window", $"\"{window}\" is not one of {string.Join(", ", AggregationWindows.All.Select(AggregationWindows.Format))}");

        DateTimeOffset? moment = null;
        if (at is not null)
        {
            if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                return ApiProblem("at", $"\"{at}\" is not a time such as 2026-11-24T10:00:00Z");
            moment = parsed;
        }

        var view = await reader.ReadAsync(span, moment, ct).ConfigureAwait(false);
        // The instances the mesh routes to, from the published snapshot: every replica publishes the same one,
        // whichever replica a sidecar streams from.
        var instances = at is null
            ? publisher.Current?.Services.ToDictionary(s => s.Name, s => s.Endpoints.Count, StringComparer.Ordinal) ?? []
            : [];
        return Results.Ok(new
        {
            at = view.At,
            window = AggregationWindows.Format(view.Window),
            replay = at is not null,
            nodes = view.Nodes.Select(n => new
            {
                service = n.Service,
                instances = instances.GetValueOrDefault(n.Service),
                rps = Math.Round(n.InboundRequestsPerSecond, 3),
                errorPercent = Math.Round(n.ErrorPercent, 2),
                denied = n.InboundDenied,
                health = n.Health,
            }),
            edges = view.Edges.Select(e => new
            {
                source = e.Key.Source,
                destination = e.Key.Destination,
                protocol = e.Key.Protocol,
                requests = e.Requests,
                rps = Math.Round(e.RequestsPerSecond, 3),
                errorPercent = Math.Round(e.ErrorPercent, 2),
                denied = e.Denied,
                p50 = e.P50Milliseconds,
                p95 = e.P95Milliseconds,
                p99 = e.P99Milliseconds,
            }),
        });
    }

    private static IResult Spans(string? source, string? destination, string? protocol, RecentSpans recent)
    {
        foreach (var (field, value) in new[] { ("source", source), ("destination", destination) })
        {
            if (string.IsNullOrEmpty(value))
                return ApiProblem(field, "required");
        }

        if (protocol is not (null or "http" or "grpc"))
            return ApiProblem("protocol", $"\"{protocol}\" is not http or grpc");
        // By start: another replica's spans arrive a pass later than this replica's own.
        return Results.Ok(recent.Get(new EdgeKey(source!, destination!, protocol ?? "http")).OrderBy(s => s.Start));
    }

    private static IResult ApiProblem(string field, string reason) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }, title: "Bad query");
}
