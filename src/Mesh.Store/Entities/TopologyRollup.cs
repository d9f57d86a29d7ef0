namespace Mesh.Store.Entities;

/// <summary>
/// One edge's calls in one minute, as one console replica aggregated them: what the topology is
/// replayed from. Replicas each write the calls they received; a replay adds them up.
/// </summary>
public sealed class TopologyRollup
{
    public long Id { get; set; }

    /// <summary>Start of the minute, in seconds since the Unix epoch (a multiple of 60).</summary>
    public long Minute { get; set; }

    /// <summary>The console process that aggregated these calls.</summary>
    public string Replica { get; set; } = "";

    public string Source { get; set; } = "";

    public string Destination { get; set; } = "";

    public string Protocol { get; set; } = "";

    public long Requests { get; set; }

    public long Errors { get; set; }

    public long Denied { get; set; }

    /// <summary>Latencies as a JSON array of <c>[microseconds, count]</c> pairs.</summary>
    public string Latencies { get; set; } = "[]";
}
