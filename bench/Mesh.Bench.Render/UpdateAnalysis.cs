namespace Mesh.Bench.Render;

/// <summary>One refresh as the browser lived it: the frames that brought it and what the main thread did until the next.</summary>
/// <param name="Start">The refresh's large render batch arrived (page clock, ms).</param>
/// <param name="Bytes">WebSocket bytes received for it (render batches and interop calls).</param>
/// <param name="Applied">From that batch to the last DOM change before the next refresh, ms.</param>
/// <param name="Blocked">Long tasks that started in the refresh's span, summed, ms.</param>
/// <param name="LongestTask">The longest of them, ms (0 with none).</param>
internal sealed record Refresh(double Start, long Bytes, double Applied, double Blocked, double LongestTask);

/// <summary>What a window of live updates cost the page.</summary>
internal sealed record UpdateFigures
{
    public required double Seconds { get; init; }

    /// <summary>The refreshes found whole inside the window.</summary>
    public required IReadOnlyList<Refresh> Refreshes { get; init; }

    /// <summary>Every byte received over the window, per refresh (window / 2 s).</summary>
    public required double BytesPerRefresh { get; init; }

    /// <summary>Every long task over the window, per refresh (window / 2 s), ms.</summary>
    public required double BlockedPerRefresh { get; init; }

    public required double LongestTask { get; init; }

    /// <summary>Long tasks over the whole window as a share of it.</summary>
    public required double BlockedShare { get; init; }

    /// <summary>The longest time no frame was painted, ms (0 when no gap passed 50 ms).</summary>
    public required double LongestFrameGap { get; init; }

    public required int MinDomNodes { get; init; }

    public required int MaxDomNodes { get; init; }

    public required int MaxDomLinks { get; init; }

    /// <summary>The console's CPU over the window, in cores.</summary>
    public double? ConsoleCores { get; init; }

    /// <summary>The console's CPU with the feed alone and no page, in cores.</summary>
    public double? FeedCores { get; init; }

    /// <summary>What one refresh cost the console beyond the feed, ms of CPU.</summary>
    public double? ConsolePerRefreshMs => ConsoleCores - FeedCores is { } page ? page * UpdateAnalysis.RefreshMs : null;

    /// <summary>Every Chromium process's CPU over the window, in cores.</summary>
    public double? BrowserCores { get; init; }
}

/// <summary>Splits a window of the page's trace into refreshes.</summary>
internal static class UpdateAnalysis
{
    /// <summary>TopologyPage.RefreshEvery.</summary>
    public const double RefreshMs = 2000;

    // SignalR pings, render acknowledgements and small interop answers: not what draws a refresh.
    private const double MinFrameBytes = 64;

    // Frames closer than this belong to one burst.
    private const double Burst = 300;

    /// <summary>
    /// A refresh brings several frames: a burst with one large render batch (every link and label drawn
    /// again, the nodes that came back into the DOM), then the page's own render, the nodes measured and
    /// observed again; on a big graph the silences between these are as long as the one before the next
    /// refresh. So each refresh is found by its large batch: the largest frame within 1.5 s either side
    /// (refreshes come every 2 s, by the console's timer); a refresh starts with the first frame of that
    /// batch's burst and runs to the next one's. The first and the last piece of the window may hold part
    /// of a refresh only and are left out of the per-refresh figures; the totals over the window are exact
    /// whatever the cut.
    /// </summary>
    public static UpdateFigures Analyse(PageTrace trace, double from, double to)
    {
        var frames = trace.FramesIn.Where(f => f.At >= from && f.At < to && f.Value >= MinFrameBytes).OrderBy(f => f.At).ToList();
        var anchors = new List<double>();
        foreach (var frame in frames.OrderByDescending(f => f.Value))
        {
            if (anchors.All(a => Math.Abs(a - frame.At) >= 0.75 * RefreshMs))
                anchors.Add(frame.At);
        }

        for (var i = 0; i < anchors.Count; i++)
        {
            var at = frames.FindIndex(f => f.At == anchors[i]);
            while (at > 0 && frames[at].At - frames[at - 1].At < Burst)
                at--;
            anchors[i] = frames[at].At;
        }

        anchors.Sort();
        var refreshes = new List<Refresh>();
        for (var i = 1; i + 1 < anchors.Count; i++)
        {
            var (start, end) = (anchors[i], anchors[i + 1]);
            var lastChange = trace.Mutations.Where(m => m.At >= start && m.At < end).Select(m => m.At).DefaultIfEmpty(start).Max();
            var tasks = trace.LongTasksIn(start, end).ToList();
            refreshes.Add(new Refresh(start, frames.Where(f => f.At >= start && f.At < end).Sum(f => (long)f.Value),
                lastChange - start, tasks.Sum(t => t.Value), tasks.Select(t => t.Value).DefaultIfEmpty(0).Max()));
        }

        var samples = trace.Samples.Where(s => s.At >= from && s.At < to).ToList();
        var windowRefreshes = (to - from) / RefreshMs;
        return new UpdateFigures
        {
            Seconds = (to - from) / 1000,
            Refreshes = refreshes,
            BytesPerRefresh = trace.FramesIn.Where(f => f.At >= from && f.At < to).Sum(f => f.Value) / windowRefreshes,
            BlockedPerRefresh = trace.LongTasksIn(from, to).Sum(t => t.Value) / windowRefreshes,
            LongestTask = trace.LongTasksIn(from, to).Select(t => t.Value).DefaultIfEmpty(0).Max(),
            BlockedShare = trace.LongTasksIn(from, to).Sum(t => t.Value) / (to - from),
            LongestFrameGap = trace.FrameGaps.Where(g => g.At >= from && g.At < to).Select(g => g.Value).DefaultIfEmpty(0).Max(),
            MinDomNodes = samples.Select(s => s.Nodes).DefaultIfEmpty(-1).Min(),
            MaxDomNodes = samples.Select(s => s.Nodes).DefaultIfEmpty(-1).Max(),
            MaxDomLinks = samples.Select(s => s.Links).DefaultIfEmpty(-1).Max(),
        };
    }
}
