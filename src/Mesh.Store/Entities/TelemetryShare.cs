namespace Mesh.Store.Entities;

/// <summary>
/// A few seconds of calls one console replica received over OTLP, for the other replicas to add to their live
/// views: with sidecars exporting to different replicas, each replica's topology still shows the whole mesh.
/// Kept for minutes only.
/// </summary>
public sealed class TelemetryShare
{
    /// <summary>Increasing in insertion order: readers go on from the last one they took.</summary>
    public long Id { get; set; }

    /// <summary>The console process that received the calls.</summary>
    public string Replica { get; set; } = "";

    public DateTimeOffset At { get; set; }

    /// <summary>The calls as JSON, grouped by edge, subset and second.</summary>
    public string Payload { get; set; } = "";
}
