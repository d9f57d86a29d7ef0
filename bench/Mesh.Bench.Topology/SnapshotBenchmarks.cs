using BenchmarkDotNet.Attributes;
using MeshConsole.Telemetry.Aggregation;

namespace Mesh.Bench.Topology;

/// <summary>
/// <c>TopologyAggregator.Snapshot</c> over a full hour of steady traffic on 400 and 4000 edges (see
/// <see cref="MeshTraffic"/>), for the 5-minute and the 1-hour window.
/// <list type="bullet">
/// <item><see cref="Read"/>: one read, the clock standing still half-way through a bucket: what every further
/// open tab polling the same window costs.</item>
/// <item><see cref="PollCycle"/>: what the console does every 2 s with one tab open: the clock moves 2 s, the
/// 2 s of calls are recorded (one observation per edge, plus one late call on every 50th edge started 35 s
/// earlier, in a bucket already closed), then one read. Every fifth cycle opens a new bucket, so the
/// window slides. <see cref="PollCycleWritesOnly"/> is the same without the read: the difference is the read.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class SnapshotBenchmarks
{
    private static readonly DateTimeOffset _end = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private TopologyAggregator _aggregator = null!;
    private BenchClock _clock = null!;
    private MeshTraffic _traffic = null!;
    private TimeSpan _window;

    [Params(400, 4000)]
    public int Edges { get; set; }

    [Params("5m", "1h")]
    public string Window { get; set; } = "1h";

    [GlobalSetup]
    public void Setup()
    {
        if (!AggregationWindows.TryParse(Window, out _window))
        {
            throw new InvalidOperationException($"Unknown window {Window}.");
        }
        _clock = new BenchClock(_end - TimeSpan.FromHours(2));
        _aggregator = new TopologyAggregator(_clock);
        _traffic = new MeshTraffic(Edges);
        _traffic.FillHour(_aggregator, _clock, _end);
        // Half of the current bucket too, so the open part of the window is not empty.
        _clock.Now = _end + TimeSpan.FromSeconds(5);
        _traffic.RecordAll(_aggregator, _end + TimeSpan.FromSeconds(2), MeshTraffic.CallsPerBucket / 2);
    }

    [Benchmark]
    public TopologyView Read() => _aggregator.Snapshot(_window);

    [Benchmark]
    public TopologyView PollCycle()
    {
        Write2Seconds();
        return _aggregator.Snapshot(_window);
    }

    [Benchmark]
    public long PollCycleWritesOnly()
    {
        Write2Seconds();
        return _aggregator.DroppedLate;
    }

    private void Write2Seconds()
    {
        _clock.Now += TimeSpan.FromSeconds(2);
        _traffic.RecordAll(_aggregator, _clock.Now - TimeSpan.FromSeconds(1), MeshTraffic.CallsPerBucket / 5);
        _traffic.RecordStragglers(_aggregator, _clock.Now - TimeSpan.FromSeconds(35), every: 50);
    }
}
