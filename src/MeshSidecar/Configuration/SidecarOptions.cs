namespace MeshSidecar.Configuration;

/// <summary>Everything a sidecar is told at start-up, from flags or MESH_SIDECAR_* variables.</summary>
public sealed record SidecarOptions
{
    /// <summary>The mesh service this sidecar stands beside.</summary>
    public required string Service { get; init; }

    /// <summary>The app's own port on 127.0.0.1; inbound calls are forwarded there.</summary>
    public required int AppPort { get; init; }

    public Uri ControlPlane { get; init; } = new("https://127.0.0.1:15010");

    /// <summary>
    /// CA certificates an https:// control plane (and OTLP endpoint) must chain to, read from
    /// <c>--control-plane-ca</c>; null when none was given.
    /// </summary>
    public ControlPlaneCa? ControlPlaneCa { get; init; }

    /// <summary>
    /// <c>sha256:</c> and 64 lower-case hex digits: the hash of the SubjectPublicKeyInfo of a CA the
    /// console's certificate chain must hold (<c>--control-plane-ca-pin</c>); null when none was given.
    /// </summary>
    public string? ControlPlaneCaPin { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public int OutboundPort { get; init; } = 15001;

    public int InboundPort { get; init; } = 15006;

    public int AdminPort { get; init; } = 15000;

    /// <summary>Where the listeners bind. Loopback by default; 0.0.0.0 when peers are on other hosts.</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";

    /// <summary>Where peers reach the inbound port; the listen address when that is a concrete address.</summary>
    public string? AdvertiseAddress { get; init; }

    /// <summary>Unique per running sidecar; defaults to service-host-inbound port.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Folder where the last applied snapshot is kept for restarts without the console.</summary>
    public string StateDirectory { get; init; } = ".mesh-sidecar";

    /// <summary>The join token an admin created in the console, sent in Hello and on OTLP exports; null when the console asks for none.</summary>
    public string? JoinToken { get; init; }

    /// <summary>Where the sidecar pushes its metrics over OTLP; null to serve them at the admin /metrics only.</summary>
    public OtlpExport? Otlp { get; init; }

    public string EffectiveAdvertiseAddress => AdvertiseAddress ?? (ListenAddress is "0.0.0.0" or "::" ? Environment.MachineName : ListenAddress);

    public string EffectiveInstanceId => InstanceId ?? $"{Service}-{Environment.MachineName.ToLowerInvariant()}-{InboundPort}";

    /// <summary>The workload certificate, its chain and its private key (PEM, mode 0600).</summary>
    public string IdentityPath => Path.Combine(StateDirectory, $"{Service}-{InboundPort}.identity.pem");

    /// <summary>Names the sidecar without printing its settings: the join token is a secret.</summary>
    public override string ToString() => $"SidecarOptions {{ Service = {Service}, InstanceId = {EffectiveInstanceId} }}";

    public string SnapshotPath => Path.Combine(StateDirectory, $"{Service}-{InboundPort}.snapshot.pb");
}

/// <summary>CA certificates from a PEM bundle, and the file they came from (for log lines).</summary>
public sealed record ControlPlaneCa(string Source, System.Security.Cryptography.X509Certificates.X509Certificate2Collection Certificates);

/// <summary>An OTLP destination for the sidecar's metrics: a collector, or the console's receiver.</summary>
/// <param name="Endpoint">For gRPC the collector's address (http://host:4317); for HTTP the full URL (http://host:4318/v1/metrics).</param>
/// <param name="Protocol">gRPC or HTTP with protobuf bodies, as OTLP defines both.</param>
/// <param name="Interval">How often metrics are pushed.</param>
public sealed record OtlpExport(Uri Endpoint, OpenTelemetry.Exporter.OtlpExportProtocol Protocol, TimeSpan Interval);
