namespace MeshConsole.Experiments;

/// <summary>
/// The spans a running experiment's chart plots, from the 10-second bucket it started in up to now: whole
/// buckets, as few per span as keep the points at most <c>maxPoints</c>, the last one still filling.
/// </summary>
public static class ChartSpans
{
    public static readonly TimeSpan Bucket = TimeSpan.FromSeconds(10);

    public static IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> Of(DateTimeOffset start, DateTimeOffset now, int maxPoints = 30)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        var first = start.UtcTicks - (start.UtcTicks % Bucket.Ticks);
        if (now.UtcTicks <= first)
            return [];
        var buckets = (now.UtcTicks - first + Bucket.Ticks - 1) / Bucket.Ticks;
        var step = (buckets + maxPoints - 1) / maxPoints * Bucket.Ticks;
        var spans = new List<(DateTimeOffset, DateTimeOffset)>();
        for (var from = first; from < now.UtcTicks; from += step)
            spans.Add((new DateTimeOffset(from, TimeSpan.Zero), new DateTimeOffset(Math.Min(from + step, now.UtcTicks), TimeSpan.Zero)));
        return spans;
    }
}
