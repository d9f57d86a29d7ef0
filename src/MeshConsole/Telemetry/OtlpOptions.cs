using System.ComponentModel.DataAnnotations;

namespace MeshConsole.Telemetry;

/// <summary>Limits of the OTLP receivers. Section <c>Mesh:Otlp</c>.</summary>
public sealed class OtlpOptions
{
    public const string Section = "Mesh:Otlp";

    /// <summary>The largest export accepted, in bytes (gRPC message or HTTP body). Key <c>Mesh:Otlp:MaxMessageBytes</c>.</summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "Mesh:Otlp:MaxMessageBytes must be between 1 KiB and 64 MiB.")]
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Decoded exports waiting for the aggregator before new ones are refused. Key <c>Mesh:Otlp:QueueCapacity</c>.</summary>
    [Range(1, 100_000, ErrorMessage = "Mesh:Otlp:QueueCapacity must be between 1 and 100000.")]
    public int QueueCapacity { get; set; } = 1024;
}
