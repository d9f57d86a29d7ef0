namespace MeshConsole.Telemetry.Aggregation;

public sealed partial class TopologyAggregator
{
    /// <summary>
    /// The calls of the edges <paramref name="include"/> selects (one edge: <c>k =&gt; k == edge</c>; a node's
    /// inbound calls: <c>k =&gt; k.Destination == name</c>), summed, over <paramref name="window"/> (as for
    /// <see cref="Snapshot(TimeSpan)"/>) in steps of the fewest whole buckets that make at most
    /// <paramref name="maxPoints"/> of them, oldest first. The steps cover the whole window, steps with no call
    /// included, and end with the current bucket: the last one's width is only what has elapsed of it (at least a
    /// second), so its rate is per second elapsed; the oldest one is narrower when the step does not divide the
    /// window. Steps are not cut short for the time before the aggregator started: they count no call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not a whole number of buckets up to the retention, or <paramref name="maxPoints"/> is below 1.</exception>
    public IReadOnlyList<SeriesPoint> Series(TimeSpan window, Func<EdgeKey, bool> include, int maxPoints = 60)
    {
        ArgumentNullException.ThrowIfNull(include);
        var buckets = WindowBuckets(window);
        var (step, count) = SeriesPoint.Steps(buckets, maxPoints);

        var now = _time.GetUtcNow();
        var current = BucketIndex(now);
        var first = current - buckets + 1;
        var points = new SeriesPoint[count];
        for (var i = 0; i < count; i++)
        {
            var stepLast = current - ((long)(count - 1 - i) * step);
            var stepFirst = Math.Max(stepLast - step + 1, first);
            var total = new EdgeTally();
            for (var index = Math.Max(stepFirst, 0); index <= stepLast; index++)
            {
                var bucket = _buckets[index % _buckets.Length];
                lock (bucket.Gate)
                {
                    // A slot that still holds an older slice (nothing was recorded since) is not part of the window.
                    if (bucket.Index == index)
                    {
                        bucket.AddTo(total, include);
                    }
                }
            }
            var start = new DateTimeOffset(stepFirst * _bucketTicks, TimeSpan.Zero);
            var width = i < count - 1
                ? TimeSpan.FromTicks((stepLast - stepFirst + 1) * _bucketTicks)
                : TimeSpan.FromTicks(Math.Max(now.UtcTicks - start.UtcTicks, TimeSpan.TicksPerSecond));
            points[i] = SeriesPoint.From(start, width, total.ToSummary());
        }
        return points;
    }
}
