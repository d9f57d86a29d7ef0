using System.Collections.Concurrent;
using Mesh.Contracts.Otlp.Metrics.V1;

namespace MeshConsole.Telemetry;

/// <summary>
/// Turns cumulative histogram points into the calls since the previous point of the same stream
/// (resource, scope, metric and point attributes), as OpenTelemetry SDKs export by default. The first
/// point of a stream counts whole only if the stream started after <paramref name="listeningSince"/> (the
/// console's start); a stream
/// older than that is only a baseline, so a restart never dumps a process's whole history into the
/// current bucket. A new start time or a count going down is a reset: the point counts whole from its
/// start. At most <see cref="MaxStreams"/> streams are kept; the least recently seen go first.
/// </summary>
internal sealed class CumulativeStreams(TimeProvider time, DateTimeOffset listeningSince)
{
    public const int MaxStreams = 100_000;

    private readonly ConcurrentDictionary<string, Stream> _streams = new(StringComparer.Ordinal);
    private readonly ulong _startedUnixNano = (ulong)listeningSince.ToUnixTimeMilliseconds() * 1_000_000;

    public int Count => _streams.Count;

    /// <summary>The calls of <paramref name="point"/> since the stream's previous point; null when there are none to count yet.</summary>
    public HistogramDataPoint? Delta(string stream, HistogramDataPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var seen = time.GetUtcNow().UtcTicks;
        var current = new Stream(point.StartTimeUnixNano, point.Count, [.. point.BucketCounts], point.Sum, seen);
        Stream? previous = null;
        _streams.AddOrUpdate(stream, current, (_, before) =>
        {
            previous = before;
            return current;
        });
        if (previous is null)
            Trim();

        var delta = point.Clone();
        if (previous is null || IsReset(previous, current))
            return previous is null && point.StartTimeUnixNano < _startedUnixNano ? null : delta;

        delta.Count = current.Count - previous.Count;
        delta.Sum = current.Sum - previous.Sum;
        delta.StartTimeUnixNano = point.TimeUnixNano;
        for (var i = 0; i < delta.BucketCounts.Count; i++)
            delta.BucketCounts[i] = current.Buckets[i] - previous.Buckets[i];
        return delta.Count == 0 ? null : delta;
    }

    private static bool IsReset(Stream previous, Stream current) =>
        previous.Start != current.Start
        || current.Count < previous.Count
        || previous.Buckets.Length != current.Buckets.Length
        || current.Buckets.Where((count, i) => count < previous.Buckets[i]).Any();

    private void Trim()
    {
        var over = _streams.Count - MaxStreams;
        if (over <= 0)
            return;
        foreach (var stale in _streams.OrderBy(s => s.Value.Seen).Take(over).ToList())
            _streams.TryRemove(stale);
    }

    private sealed record Stream(ulong Start, ulong Count, ulong[] Buckets, double Sum, long Seen);
}
