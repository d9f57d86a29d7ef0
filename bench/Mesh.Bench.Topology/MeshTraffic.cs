using MeshConsole.Telemetry.Aggregation;

namespace Mesh.Bench.Topology;

/// <summary>
/// A mesh of <c>edges</c> edges, each called steadily: <see cref="CallsPerBucket"/> calls in every 10-second
/// bucket, 1 % of them errors. Latencies are lognormal: each edge has its own median (lognormal around 5 ms,
/// σ 0.5 between edges) and its calls spread around it with σ 0.6, so an edge's p50–p99 spans about 1–20 ms
/// and an hour of it fills a few thousand of HdrHistogram's 3-digit values, as real traffic does.
/// </summary>
internal sealed class MeshTraffic
{
    public const int CallsPerBucket = 60;
    public static readonly TimeSpan Bucket = TimeSpan.FromSeconds(10);

    // Standard normal draws, made once: drawing a lognormal per call would cost more than recording it.
    private readonly double[] _normals;
    private readonly double[] _medianMs;
    private readonly Random _random = new(20261124);

    public MeshTraffic(int edges)
    {
        _normals = new double[1 << 20];
        for (var i = 0; i < _normals.Length; i++)
        {
            _normals[i] = Normal();
        }
        Edges = new EdgeKey[edges];
        _medianMs = new double[edges];
        for (var i = 0; i < edges; i++)
        {
            // 20 callers per service: 400 edges are 20 services calling 20 others each.
            Edges[i] = new EdgeKey($"svc-{i / 20:D4}", $"svc-{(i / 20 + 1 + (i % 20)) % Math.Max(edges / 20, 21):D4}", "http");
            _medianMs[i] = 5 * Math.Exp(0.5 * Normal());
        }
    }

    public EdgeKey[] Edges { get; }

    /// <summary>
    /// An hour of traffic ending at <paramref name="end"/>, bucket by bucket with the clock moving along, as
    /// it would arrive live (the aggregator compacts each bucket once two newer ones have opened).
    /// </summary>
    public void FillHour(TopologyAggregator aggregator, BenchClock clock, DateTimeOffset end)
    {
        var buckets = (int)(TimeSpan.FromHours(1) / Bucket);
        var firstStart = end - (buckets * Bucket);
        for (var b = 0; b < buckets; b++)
        {
            var start = firstStart + (b * Bucket);
            clock.Now = start + TimeSpan.FromSeconds(9.9);
            RecordAll(aggregator, start + TimeSpan.FromSeconds(5), CallsPerBucket);
        }
        clock.Now = end;
    }

    /// <summary><paramref name="callsPerEdge"/> calls on every edge, one observation per edge, at <paramref name="at"/>.</summary>
    public void RecordAll(TopologyAggregator aggregator, DateTimeOffset at, int callsPerEdge)
    {
        for (var e = 0; e < Edges.Length; e++)
        {
            var errors = 0;
            for (var i = 0; i < callsPerEdge; i++)
            {
                errors += _random.Next(100) == 0 ? 1 : 0;
            }
            aggregator.Record(Observation.Many(Edges[e], at, Durations(e, callsPerEdge), errors, denied: 0));
        }
    }

    /// <summary>One call on every <paramref name="every"/>th edge, started at <paramref name="at"/>: late arrivals.</summary>
    public void RecordStragglers(TopologyAggregator aggregator, DateTimeOffset at, int every)
    {
        for (var e = _random.Next(every); e < Edges.Length; e += every)
        {
            aggregator.Record(Observation.Single(Edges[e], at, Durations(e, 1)[0], isError: false, isDenied: false));
        }
    }

    private TimeSpan[] Durations(int edge, int count)
    {
        var durations = new TimeSpan[count];
        var offset = _random.Next(_normals.Length - count);
        for (var i = 0; i < count; i++)
        {
            durations[i] = TimeSpan.FromMilliseconds(_medianMs[edge] * Math.Exp(0.6 * _normals[offset + i]));
        }
        return durations;
    }

    private double Normal()
    {
        // Box–Muller.
        var u = 1 - _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * _random.NextDouble());
    }
}
