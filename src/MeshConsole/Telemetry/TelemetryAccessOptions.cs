namespace MeshConsole.Telemetry;

/// <summary>Who may send telemetry. Section <c>Mesh:Telemetry</c>.</summary>
public sealed class TelemetryAccessOptions
{
    public const string Section = "Mesh:Telemetry";

    /// <summary>
    /// Accept OTLP exports without an API token. For local experiments with an OpenTelemetry SDK
    /// only: anyone who reaches the ports can then feed the topology. Key <c>Mesh:Telemetry:AllowAnonymousIngest</c>.
    /// </summary>
    public bool AllowAnonymousIngest { get; set; }
}
