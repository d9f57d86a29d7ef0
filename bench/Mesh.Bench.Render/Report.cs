using System.Globalization;

namespace Mesh.Bench.Render;

/// <summary>The driver's output: a line per page as it finishes, then the tables (medians over the pages) and RESULT lines.</summary>
internal static class Report
{
    private static readonly CultureInfo _invariant = CultureInfo.InvariantCulture;

    public static void SayRep(SyntheticMesh mesh, RepFigures r)
    {
        var label = $"{mesh.Services.Count}/{mesh.Edges.Count}";
        RenderRun.Say($"{label} page {r.Rep}: prerendered HTML loaded {F(r.GotoMs)} ms (painted {F(r.PrerenderPaintedMs)}), " +
            $"full graph painted {F(r.FullPaintedMs)} ms, fitted {F(r.FittedPaintedMs)} ms (console CPU {F(r.ConsoleCpuToFittedSeconds, "F1")} s)" +
            (r.AtFit is { } c ? $"; DOM then: {c.Nodes} nodes, {c.Links} links ({c.Labels} labels), {c.Elements} elements, JS heap {c.JsHeapMib:F0} MiB, {c.Transform}" : ""));
        if (r.Updates is { } u)
            SayUpdates($"{label} page {r.Rep}", u);
        if (r.ZoomedUpdates is { } z)
            SayUpdates($"{label} page {r.Rep}, after the wheel (the view the operator's, no fit)", z);

        if (r.ClickMs.Count > 0 || r.WheelMs.Count > 0 || r.Problem is not null)
        {
            RenderRun.Say($"{label} page {r.Rep}: {r.ClickMs.Count} clicks on nodes ({r.MissedClicks} landed beside a moving node, tried again) → their details in the DOM {List(r.ClickMs)} ms, painted {List(r.ClickPaintedMs)} ms; " +
                $"{r.WheelMs.Count} wheel steps (zoom {r.WheelChange}) → new zoom in the DOM {List(r.WheelMs)} ms, painted {List(r.WheelPaintedMs)} ms" +
                (r.AfterWheel is { } w ? $" ({w.Nodes} nodes, {w.Links} links in the DOM after it)" : "") +
                (r.Problem is { } p ? $"; PROBLEM: {p}" : ""));
        }
    }

    private static void SayUpdates(string label, UpdateFigures u) =>
        RenderRun.Say($"{label}: {u.Seconds:F1} s of updates; per refresh {u.BytesPerRefresh / 1024:N0} KB received and {u.BlockedPerRefresh:F0} ms in long tasks " +
            $"(longest task {u.LongestTask:F0} ms); {u.Refreshes.Count} refreshes whole in the window: applied in {Quantiles(u.Refreshes.Select(x => x.Applied))} ms (p50 / max), " +
            $"long tasks {Quantiles(u.Refreshes.Select(x => x.Blocked))} ms; main thread in long tasks {u.BlockedShare * 100:F0} %, " +
            $"longest frame gap {F(u.LongestFrameGap)} ms; DOM {u.MinDomNodes}–{u.MaxDomNodes} nodes, up to {u.MaxDomLinks} links; " +
            $"console {F(u.ConsoleCores, "F2")} cores (the feed alone {F(u.FeedCores, "F2")}), Chromium {F(u.BrowserCores, "F2")} cores");

    public static void Print(IReadOnlyList<MeshFigures> results, RenderOptions options)
    {
        Console.WriteLine();
        Console.WriteLine($"== first graph (median of {options.Reps} fresh pages, in brackets the first page, on a console just started, and the fastest; ms from the start of the navigation)");
        Console.WriteLine("| graph (services/edges) | prerendered HTML loaded | full graph painted | fitted and painted | console CPU until then | DOM at fit: nodes / links / labels / elements | static copy of that DOM loaded and painted |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | --- | ---: |");
        foreach (var m in results)
        {
            var fit = m.Reps.Select(r => r.AtFit).OfType<Census>().FirstOrDefault();
            Console.WriteLine($"| {Label(m)} | {Range(m.Reps.Select(r => (double?)r.GotoMs))} | {Range(m.Reps.Select(r => r.FullPaintedMs))} " +
                $"| {Range(m.Reps.Select(r => r.FittedPaintedMs))} | {Range(m.Reps.Select(r => r.ConsoleCpuToFittedSeconds), "F1")} s " +
                $"| {(fit is null ? "—" : $"{fit.Nodes} / {fit.Links} / {fit.Labels} / {fit.Elements:N0}")} | {F(m.Static?.LoadPaintedMs)} |");
        }

        Console.WriteLine();
        Console.WriteLine($"== live updates ({options.UpdateWindow.TotalSeconds:F0} s per page; per refresh: the window's totals over its refreshes, one every 2 s, median of the pages; p50 / max: every refresh whole in a window, pooled)");
        Console.WriteLine("| graph | received per refresh | long tasks per refresh | p50 / max | longest task | main thread in long tasks | longest time without a frame | applied (first frame → last DOM change), p50 / max | console CPU (the feed alone) | console CPU per refresh | Chromium CPU | DOM nodes during updates | static copy: same change in place, painted / long tasks |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
        foreach (var m in results)
        {
            UpdateRow(Label(m), [.. m.Reps.Select(r => r.Updates).OfType<UpdateFigures>()], m.Static);
            var zoomed = m.Reps.Select(r => r.ZoomedUpdates).OfType<UpdateFigures>().ToList();
            if (zoomed.Count > 0)
                UpdateRow($"{Label(m)}, first page after the wheel (no fit)", zoomed, null);
        }

        Console.WriteLine();
        Console.WriteLine("== is it usable? (every click and wheel step of every page pooled, p50 / max; ms from the input event's timeStamp, while the page updates live)");
        Console.WriteLine("| graph | clicks | click on a node → its details in the DOM | → painted | wheel steps | one wheel step → new zoom in the DOM | → painted | DOM nodes / links after the wheel |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var m in results)
        {
            var wheel = m.Reps.Select(r => r.AfterWheel).OfType<Census>().FirstOrDefault();
            var clicks = m.Reps.SelectMany(r => r.ClickMs).ToList();
            var wheels = m.Reps.SelectMany(r => r.WheelMs).ToList();
            Console.WriteLine($"| {Label(m)} | {clicks.Count} | {Quantiles(clicks)} | {Quantiles(m.Reps.SelectMany(r => r.ClickPaintedMs))} " +
                $"| {wheels.Count} | {Quantiles(wheels)} | {Quantiles(m.Reps.SelectMany(r => r.WheelPaintedMs))} " +
                $"| {(wheel is null ? "—" : $"{wheel.Nodes} / {wheel.Links}")} |");
        }

        Console.WriteLine();
        foreach (var m in results)
        {
            foreach (var r in m.Reps)
            {
                var u = r.Updates;
                Console.WriteLine(string.Create(_invariant,
                    $"RESULT graph={m.Mesh.Services.Count}/{m.Mesh.Edges.Count} page={r.Rep} goto_ms={r.GotoMs:F0} full_ms={F(r.FullPaintedMs)} " +
                    $"fitted_ms={F(r.FittedPaintedMs)} console_cpu_to_fit_s={F(r.ConsoleCpuToFittedSeconds, "F1")} " +
                    $"dom_nodes={r.AtFit?.Nodes} dom_links={r.AtFit?.Links} dom_elements={r.AtFit?.Elements} " +
                    $"kb_per_refresh={F(u?.BytesPerRefresh / 1024)} blocked_per_refresh_ms={F(u?.BlockedPerRefresh)} longest_task_ms={F(u?.LongestTask)} " +
                    $"blocked_share={F(u?.BlockedShare, "F2")} zoomed_blocked_per_refresh_ms={F(r.ZoomedUpdates?.BlockedPerRefresh)} applied_p50_ms={F(Median(u?.Refreshes.Select(x => (double?)x.Applied) ?? []))} " +
                    $"frame_gap_ms={F(u?.LongestFrameGap)} console_cores={F(u?.ConsoleCores, "F2")} feed_cores={F(u?.FeedCores, "F2")} browser_cores={F(u?.BrowserCores, "F2")} " +
                    $"click_painted_ms={string.Join(',', r.ClickPaintedMs.Select(x => F(x)))} wheel_painted_ms={string.Join(',', r.WheelPaintedMs.Select(x => F(x)))} problem={(r.Problem is null ? "none" : "\"" + r.Problem + "\"")}"));
            }
        }
    }

    private static void UpdateRow(string label, IReadOnlyList<UpdateFigures> updates, StaticFigures? copy)
    {
        var refreshes = updates.SelectMany(u => u.Refreshes).ToList();
        Console.WriteLine($"| {label} | {F(Median(updates.Select(u => (double?)u.BytesPerRefresh / 1024)), "N0")} KB " +
            $"| {F(Median(updates.Select(u => (double?)u.BlockedPerRefresh)))} ms | {Quantiles(refreshes.Select(x => x.Blocked))} ms " +
            $"| {F(updates.Select(u => u.LongestTask).DefaultIfEmpty(0).Max())} ms | {F(Median(updates.Select(u => (double?)u.BlockedShare * 100)))} % " +
            $"| {F(updates.Select(u => u.LongestFrameGap).DefaultIfEmpty(0).Max())} ms | {Quantiles(refreshes.Select(x => x.Applied))} ms " +
            $"| {F(Median(updates.Select(u => u.ConsoleCores)), "F2")} ({F(updates.Select(u => u.FeedCores).FirstOrDefault(), "F2")}) cores " +
            $"| {F(Median(updates.Select(u => u.ConsolePerRefreshMs)))} ms | {F(Median(updates.Select(u => u.BrowserCores)), "F2")} cores " +
            $"| {updates.Select(u => u.MinDomNodes).DefaultIfEmpty(-1).Min()}–{updates.Select(u => u.MaxDomNodes).DefaultIfEmpty(-1).Max()} " +
            $"| {(copy is { } s ? $"{s.UpdatePaintedMs:F0} / {s.UpdateBlockedMs:F0} ms" : "—")} |");
    }

    /// <summary>The median, then in brackets the first page's and the lowest.</summary>
    private static string Range(IEnumerable<double?> values, string format = "F0")
    {
        var list = values.ToList();
        var known = list.OfType<double>().ToList();
        return known.Count == 0 ? "—" : $"{F(StaticPeer.Median(known), format)} ({F(list[0], format)}, {F(known.Min(), format)})";
    }

    private static string Label(MeshFigures m) =>
        m.Mesh.Name == "demo" ? $"{m.Mesh.Services.Count}/{m.Mesh.Edges.Count} (demo-sized peer)" : $"**{m.Mesh.Services.Count}/{m.Mesh.Edges.Count}**";

    private static string Quantiles(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? "—" : $"{F(StaticPeer.Median(list))} / {F(list.Max())}";
    }

    private static string List(IEnumerable<double> values) => string.Join(", ", values.Select(v => F(v)));

    private static string Kb(IEnumerable<double> bytes)
    {
        var list = bytes.ToList();
        return list.Count == 0 ? "—" : (StaticPeer.Median(list) / 1024).ToString("N0", _invariant);
    }

    private static double? Median(IEnumerable<double?> values)
    {
        var list = values.OfType<double>().ToList();
        return list.Count == 0 ? null : StaticPeer.Median(list);
    }

    private static string F(double? value, string format = "F0") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, _invariant) : "—";
}
