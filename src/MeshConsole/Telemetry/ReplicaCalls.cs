using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Telemetry;

/// <summary>
/// The calls this console replica received itself, which its per-minute rollups hold: each replica stores its
/// own and a replay adds them up. With replicas sharing live calls (<see cref="TelemetrySharing"/>) the live
/// aggregator holds the whole mesh, so these are counted apart; a lone console's are the live aggregator's.
/// </summary>
internal sealed class ReplicaCalls(TopologyAggregator aggregator)
{
    public TopologyAggregator Aggregator => aggregator;
}
