using BenchmarkDotNet.Attributes;
using MeshConsole.Telemetry.Aggregation;

namespace Mesh.Bench.Topology;

/// <summary>
/// <c>TopologyAggregator.Series</c> over the last hour in 60 one-minute steps, as the side panel charts it:
/// one edge, and one node's inbound calls (the 20 edges that end at it), with the same hour of traffic as
/// <see cref="SnapshotBenchmarks"/>. Series keeps no cache: every call merges the hour's buckets of the edges it selects.
/// </summary>
[MemoryDiagnoser]
public class SeriesBenchmarks
{
    private static readonly DateTimeOffset _end = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private TopologyAggregator _aggregator = null!;
    private EdgeKey _edge;
    private string _node = "";

    [Params(400, 4000)]
    public int Edges { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var clock = new BenchClock(_end - TimeSpan.FromHours(2));
        _aggregator = new TopologyAggregator(clock);
        var traffic = new MeshTraffic(Edges);
        traffic.FillHour(_aggregator, clock, _end);
        clock.Now = _end + TimeSpan.FromSeconds(5);
        traffic.RecordAll(_aggregator, _end + TimeSpan.FromSeconds(2), MeshTraffic.CallsPerBucket / 2);
        _edge = traffic.Edges[0];
        _node = _edge.Destination;
    }

    [Benchmark]
    public IReadOnlyList<SeriesPoint> OneEdge() => _aggregator.Series(AggregationWindows.OneHour, k => k == _edge);

    [Benchmark]
    public IReadOnlyList<SeriesPoint> NodeInbound() => _aggregator.Series(AggregationWindows.OneHour, k => k.Destination == _node);
}
