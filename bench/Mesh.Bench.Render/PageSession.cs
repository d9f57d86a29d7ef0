using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Mesh.Bench.Render;

/// <summary>What the DOM held at one moment (probe.js census).</summary>
internal sealed record Census(int Nodes, int Links, int LinkPaths, int Labels, int Elements, int DataNodes, int DataEdges,
    double JsHeapMib, string Transform, double Now, double TimeOrigin);

/// <summary>One fresh page's figures. Times are ms from the call that started the navigation, unless named otherwise.</summary>
internal sealed record RepFigures
{
    public required int Rep { get; init; }

    /// <summary>GotoAsync to the load event: the server-prerendered HTML arrived and loaded.</summary>
    public double GotoMs { get; init; }

    /// <summary>First paint after the load event.</summary>
    public double? PrerenderPaintedMs { get; init; }

    /// <summary>First frame painted after the interactive render put every edge (data-edges), nodes and drawn links in the DOM.</summary>
    public double? FullPaintedMs { get; init; }

    /// <summary>First frame painted with the graph fitted to the canvas (every node measured).</summary>
    public double? FittedPaintedMs { get; init; }

    public double? ConsoleCpuToFittedSeconds { get; init; }

    public Census? AtFit { get; init; }

    public UpdateFigures? Updates { get; init; }

    /// <summary>The first page only: live updates after the wheel steps, the view the operator's (no fit any more).</summary>
    public UpdateFigures? ZoomedUpdates { get; init; }

    /// <summary>Each click: pointerdown on a node to the details panel showing it in the DOM / painted (the page's clock).</summary>
    public IReadOnlyList<double> ClickMs { get; init; } = [];

    public IReadOnlyList<double> ClickPaintedMs { get; init; } = [];

    /// <summary>Clicks that landed beside the node aimed at (it moved meanwhile), not measured.</summary>
    public int MissedClicks { get; init; }

    /// <summary>Each wheel step over the canvas: to the new zoom in the DOM / painted (the page's clock).</summary>
    public IReadOnlyList<double> WheelMs { get; init; } = [];

    public IReadOnlyList<double> WheelPaintedMs { get; init; } = [];

    public Census? AfterWheel { get; init; }

    /// <summary>The zoom and pan before the wheel step and the first change after it.</summary>
    public string? WheelChange { get; init; }

    public string? Problem { get; init; }
}

/// <summary>
/// One measurement on a fresh browser context holding only the sign-in cookie (<paramref name="signedIn"/>,
/// Playwright's storage state): open /topology?window=1m, wait for the full graph and the
/// fit, watch live updates for a while, click three nodes, turn the wheel five steps (zooming in); on the
/// first page, watch the updates once more after that. Every wait is bounded.
/// </summary>
internal sealed class PageSession(IBrowser browser, ConsoleHost host, SyntheticMesh mesh, RenderOptions options, string probe, string signedIn)
{
    private const string FittedScript = """
        () => { const b = window.__bench;
          return b.fullPaintedAt !== null && b.transforms.some(t => t[2] !== null && !t[1].includes('translate(0px, 0px)')); }
        """;

    private const int Clicks = 3;
    private const int WheelSteps = 5;
    private static readonly TimeSpan _interactionTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan _zoomedWindow = TimeSpan.FromSeconds(10);

    private readonly List<string> _clicked = [];

    /// <summary>
    /// Measures on a fresh page, and returns the console's CPU time over the update windows too; with
    /// <paramref name="screenshot"/> (the first page) also watches updates after the wheel, leaves
    /// screenshots and the page's trace, and returns its DOM.
    /// </summary>
    public async Task<(RepFigures Figures, string? Dom, TimeSpan? UpdateCpu, TimeSpan? ZoomedCpu)> RunAsync(int rep, string? screenshot)
    {
        // Every page clicks the same nodes, as far as the layout allows.
        _clicked.Clear();
        await using var context = await browser.NewContextAsync(new()
        {
            BaseURL = host.Address.ToString(),
            ViewportSize = new() { Width = 1600, Height = 1000 },
            StorageState = signedIn,
        }).ConfigureAwait(false);
        await context.AddInitScriptAsync($"const benchExpectedEdges = {mesh.Edges.Count};\n{probe}").ConfigureAwait(false);
        var page = await context.NewPageAsync().ConfigureAwait(false);
        try
        {
            return await MeasureAsync(page, rep, screenshot).ConfigureAwait(false);
        }
        finally
        {
            // Leaving the page lets Blazor tell the console the circuit is gone (its disconnect beacon),
            // so the next page does not share the console with this one's refresh loop.
            await page.GotoAsync("about:blank").ConfigureAwait(false);
        }
    }

    private async Task<(RepFigures Figures, string? Dom, TimeSpan? UpdateCpu, TimeSpan? ZoomedCpu)> MeasureAsync(IPage page, int rep, string? screenshot)
    {
        var cpuBefore = host.Cpu;
        var started = EpochMs();
        var clock = Stopwatch.StartNew();
        await page.GotoAsync("topology?window=1m", new() { Timeout = (float)options.FirstTimeout.TotalMilliseconds }).ConfigureAwait(false);
        var gotoMs = clock.Elapsed.TotalMilliseconds;
        // A refused cookie would leave the page at the login form: say so rather than wait for a graph.
        if (new Uri(page.Url).AbsolutePath.StartsWith("/account/login", StringComparison.Ordinal))
            return (new RepFigures { Rep = rep, GotoMs = gotoMs, Problem = $"the console sent the page to {page.Url}: the sign-in cookie was not accepted" }, null, null, null);
        var origin = (await CensusAsync(page).ConfigureAwait(false)).TimeOrigin - started;

        try
        {
            var left = options.FirstTimeout - clock.Elapsed;
            await page.WaitForFunctionAsync(FittedScript, null, new() { PollingInterval = 100, Timeout = (float)Math.Max(1000, left.TotalMilliseconds) })
                .ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var trace = await TraceAsync(page).ConfigureAwait(false);
            return (new RepFigures
            {
                Rep = rep,
                GotoMs = gotoMs,
                PrerenderPaintedMs = origin + trace.LoadPaintedAt,
                FullPaintedMs = origin + trace.FullPaintedAt,
                Problem = $"no fitted graph within {options.FirstTimeout.TotalSeconds:F0} s",
                AtFit = await CensusAsync(page).ConfigureAwait(false),
            }, null, null, null);
        }

        var consoleToFit = host.Cpu - cpuBefore;
        var atFit = await CensusAsync(page).ConfigureAwait(false);

        // Live updates, after the first refreshes have settled.
        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        var updates = await WatchAsync(page, options.UpdateWindow).ConfigureAwait(false);

        string? dom = null;
        if (screenshot is not null)
        {
            await page.ScreenshotAsync(new() { Path = screenshot }).ConfigureAwait(false);
            dom = await page.EvaluateAsync<string>("() => document.documentElement.outerHTML").ConfigureAwait(false);
        }

        var clicks = new List<(double Ms, double PaintedMs)>();
        string? problem = null;
        var missed = 0;
        while (clicks.Count < Clicks && missed < Clicks && problem is null)
        {
            var (click, clickProblem) = await ClickNodeAsync(page).ConfigureAwait(false);
            if (click is { } measured)
                clicks.Add(measured);
            else
                missed++;
            problem = clickProblem;
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }

        if (screenshot is not null)
            await page.ScreenshotAsync(new() { Path = Path.ChangeExtension(screenshot, null) + "-details.png" }).ConfigureAwait(false);
        var wheelFrom = (await CensusAsync(page).ConfigureAwait(false)).Transform;
        var wheelTo = wheelFrom;
        var wheels = new List<(double Ms, double PaintedMs)>();
        for (var i = 0; i < WheelSteps && problem is null; i++)
        {
            var (wheel, zoom, wheelProblem) = await WheelAsync(page).ConfigureAwait(false);
            if (wheel is { } step)
                (wheels, wheelTo) = ([.. wheels, step], zoom ?? wheelTo);
            problem = wheelProblem;
            await Task.Delay(TimeSpan.FromSeconds(0.5)).ConfigureAwait(false);
        }

        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        var afterWheel = await CensusAsync(page).ConfigureAwait(false);
        var zoomed = screenshot is null ? default : await WatchAsync(page, _zoomedWindow).ConfigureAwait(false);
        if (screenshot is not null)
            await page.ScreenshotAsync(new() { Path = Path.ChangeExtension(screenshot, null) + "-zoomed.png" }).ConfigureAwait(false);

        var finalJson = await page.EvaluateAsync<string>(PageTrace.Script).ConfigureAwait(false);
        if (screenshot is not null)
            await File.WriteAllTextAsync(Path.ChangeExtension(screenshot, ".trace.json"),
                string.Create(CultureInfo.InvariantCulture, $"{{\"updateWindow\":[{updates.From},{updates.To}],\"trace\":{finalJson}}}")).ConfigureAwait(false);
        var final = PageTrace.Parse(finalJson);
        return (new RepFigures
        {
            Rep = rep,
            GotoMs = gotoMs,
            PrerenderPaintedMs = origin + final.LoadPaintedAt,
            FullPaintedMs = origin + final.FullPaintedAt,
            FittedPaintedMs = origin + final.Transforms.First(t => t.PaintedAt is not null && !t.Style.Contains("translate(0px, 0px)", StringComparison.Ordinal)).PaintedAt,
            ConsoleCpuToFittedSeconds = consoleToFit?.TotalSeconds,
            AtFit = atFit,
            Updates = updates.Analyse(final),
            ZoomedUpdates = screenshot is null ? null : zoomed.Analyse(final),
            ClickMs = [.. clicks.Select(c => c.Ms)],
            MissedClicks = missed,
            ClickPaintedMs = [.. clicks.Select(c => c.PaintedMs)],
            WheelMs = [.. wheels.Select(w => w.Ms)],
            WheelPaintedMs = [.. wheels.Select(w => w.PaintedMs)],
            AfterWheel = afterWheel,
            WheelChange = $"{Scale(wheelFrom)} → {Scale(wheelTo)}",
            Problem = problem,
        }, dom, updates.ConsoleCpu, screenshot is null ? null : zoomed.ConsoleCpu);
    }

    /// <summary>Watches the page update live for <paramref name="length"/>: its clock at both ends, the console's and Chromium's CPU over it.</summary>
    private async Task<Watch> WatchAsync(IPage page, TimeSpan length)
    {
        var from = (await CensusAsync(page).ConfigureAwait(false)).Now;
        var (consoleFrom, browserFrom) = (host.Cpu, ProcStats.CpuTimeOfAll(BrowserMarker));
        await Task.Delay(length).ConfigureAwait(false);
        var (consoleTo, browserTo) = (host.Cpu, ProcStats.CpuTimeOfAll(BrowserMarker));
        var to = (await CensusAsync(page).ConfigureAwait(false)).Now;
        return new Watch(from, to, consoleTo - consoleFrom, browserTo - browserFrom);
    }

    /// <summary>A window of live updates: the page's clock at both ends, and the CPU the console and Chromium spent meanwhile.</summary>
    private readonly record struct Watch(double From, double To, TimeSpan? ConsoleCpu, TimeSpan BrowserCpu)
    {
        public UpdateFigures Analyse(PageTrace trace) =>
            UpdateAnalysis.Analyse(trace, From, To) with { BrowserCores = BrowserCpu.TotalSeconds / ((To - From) / 1000) };
    }

    /// <summary>Chromium's processes started by Playwright carry its profile folder in their command line.</summary>
    public const string BrowserMarker = "playwright_chromiumdev_profile";

    /// <summary>Clicks the middle of the service node nearest the canvas centre not clicked before, and times the details panel showing it.</summary>
    private async Task<((double Ms, double PaintedMs)? Click, string? Problem)> ClickNodeAsync(IPage page)
    {
        var target = await page.EvaluateAsync<JsonElement>("""
            clicked => {
              const c = document.querySelector('[data-testid=topology-canvas]').getBoundingClientRect();
              const cx = c.left + c.width / 2, cy = c.top + c.height / 2;
              let best = null;
              for (const n of document.querySelectorAll('[data-service]')) {
                if (clicked.includes(n.dataset.service)) continue;
                const r = n.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (x < c.left || x > c.right || y < c.top || y > c.bottom) continue;
                const d = (x - cx) ** 2 + (y - cy) ** 2;
                if (best === null || d < best.d) best = { d, x, y, service: n.dataset.service };
              }
              if (best !== null) { window.__bench.expect = best.service; window.__bench.detailsAt = null; }
              return best;
            }
            """, _clicked).ConfigureAwait(false);
        if (target.ValueKind != JsonValueKind.Object)
            return (null, "no node inside the canvas to click");

        var service = target.GetProperty("service").GetString() ?? "";
        _clicked.Add(service);
        await page.Mouse.ClickAsync((float)target.GetProperty("x").GetDouble(), (float)target.GetProperty("y").GetDouble()).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < _interactionTimeout)
        {
            var trace = await TraceAsync(page).ConfigureAwait(false);
            var down = trace.Input.LastOrDefault(i => i.Type == "pointerdown");
            // The graph moves under the pointer at each refresh (a fit, nodes measured again): a click that
            // landed beside the node is not a measurement; the caller tries another node.
            if (down.Type is not null && down.Service != service)
                return (null, null);
            if (trace.DetailsPaintedAt is { } painted && trace.DetailsAt is { } shown && down.Type is not null)
                return ((shown - down.At, painted - down.At), null);
            await Task.Delay(50).ConfigureAwait(false);
        }

        return (null, $"a click on {service} showed no details of it within {_interactionTimeout.TotalSeconds:F0} s");
    }

    /// <summary>One wheel step (zooming in) over the canvas centre, timed to the zoom's first change in the DOM and its paint.</summary>
    private static async Task<((double Ms, double PaintedMs)? Wheel, string? To, string? Problem)> WheelAsync(IPage page)
    {
        var box = await page.Locator("[data-testid=topology-canvas]").BoundingBoxAsync().ConfigureAwait(false);
        if (box is null)
            return (null, null, "no canvas to turn the wheel over");
        await page.Mouse.MoveAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2)).ConfigureAwait(false);
        var before = (await TraceAsync(page).ConfigureAwait(false)).Transforms.Count;
        // Blazor.Diagrams zooms in on a positive deltaY (Zoom.Inverse is off).
        await page.Mouse.WheelAsync(0, 100).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < _interactionTimeout)
        {
            var trace = await TraceAsync(page).ConfigureAwait(false);
            var wheel = trace.Input.LastOrDefault(i => i.Type == "wheel");
            var change = trace.Transforms.Skip(before).FirstOrDefault(t => wheel.Type is not null && t.At > wheel.At && t.PaintedAt is not null);
            if (change is not null)
                return ((change.At - wheel.At, change.PaintedAt!.Value - wheel.At), change.Style, null);
            await Task.Delay(100).ConfigureAwait(false);
        }

        return (null, null, $"a wheel step changed no zoom within {_interactionTimeout.TotalSeconds:F0} s");
    }

    /// <summary>The scale(…) part of the layer's style.</summary>
    private static string Scale(string? style) =>
        style is not null && style.IndexOf("scale(", StringComparison.Ordinal) is var at and >= 0
            ? style[(at + 6)..style.IndexOf(')', at)]
            : "?";

    private static async Task<PageTrace> TraceAsync(IPage page) =>
        PageTrace.Parse(await page.EvaluateAsync<string>(PageTrace.Script).ConfigureAwait(false));

    public static async Task<Census> CensusAsync(IPage page)
    {
        var c = await page.EvaluateAsync<JsonElement>("() => window.__bench.census()").ConfigureAwait(false);
        return new Census(
            c.GetProperty("nodes").GetInt32(), c.GetProperty("links").GetInt32(), c.GetProperty("linkPaths").GetInt32(),
            c.GetProperty("labels").GetInt32(), c.GetProperty("elements").GetInt32(), c.GetProperty("dataNodes").GetInt32(),
            c.GetProperty("dataEdges").GetInt32(), c.GetProperty("jsHeapMib").GetDouble(), c.GetProperty("transform").GetString() ?? "",
            c.GetProperty("now").GetDouble(), c.GetProperty("timeOrigin").GetDouble());
    }

    private static double EpochMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    public static string Ms(double? value) => value is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) : "—";
}
