namespace Mesh.Bench.Topology;

/// <summary>A clock the benchmark sets by hand, so that buckets open and close where the traffic says.</summary>
internal sealed class BenchClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
