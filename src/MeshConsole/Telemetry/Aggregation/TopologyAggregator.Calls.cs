namespace MeshConsole.Telemetry.Aggregation;

public sealed partial class TopologyAggregator
{
    /// <summary>When this aggregator started counting: spans before it are not in its buckets.</summary>
    public DateTimeOffset StartedAt => new(_startedTicks, TimeSpan.Zero);

    /// <summary>
    /// The calls of the edges <paramref name="include"/> selects in the buckets from the one holding
    /// <paramref name="from"/> up to the one holding the instant before <paramref name="to"/>, rated per second of
    /// [<paramref name="from"/>, <paramref name="to"/>) that has passed. Null when part of the span is older than the
    /// retention or than <see cref="StartedAt"/>: the buckets no longer (or never) held all of its calls.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="to"/> is not after <paramref name="from"/>.</exception>
    public CallFigures? Calls(DateTimeOffset from, DateTimeOffset to, Func<EdgeKey, bool> include)
    {
        ArgumentNullException.ThrowIfNull(include);
        if (to <= from)
        {
            throw new ArgumentException($"The span must end after it starts ({from:O} to {to:O}).", nameof(to));
        }

        var now = _time.GetUtcNow();
        var current = BucketIndex(now);
        var first = BucketIndex(from);
        if (first < current - _buckets.Length + 1 || first < BucketIndex(StartedAt))
        {
            return null;
        }

        var last = Math.Min(BucketIndex(to.AddTicks(-1)), current);
        var total = new EdgeTally();
        for (var index = first; index <= last; index++)
        {
            var bucket = _buckets[index % _buckets.Length];
            lock (bucket.Gate)
            {
                // A slot that still holds an older slice (nothing was recorded since) is not part of the span.
                if (bucket.Index == index)
                {
                    bucket.AddTo(total, include);
                }
            }
        }
        var end = to < now ? to : now;
        var seconds = Math.Max((end - from).TotalSeconds, 1);
        return CallFigures.From(total.ToSummary(), seconds);
    }
}
