using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Mesh.Bench.Render;

/// <summary>The static copy's figures: loading it, and changing its figures in place.</summary>
/// <param name="LoadPaintedMs">Navigation to the first paint after the load event, median of the loads.</param>
/// <param name="UpdateScriptMs">Rewriting every node's figures, every label and every link's width in one script, median.</param>
/// <param name="UpdatePaintedMs">From the start of that script to the next frame painted, median.</param>
/// <param name="UpdateBlockedMs">Long tasks during it, median.</param>
/// <param name="Elements">Elements in the copy.</param>
internal sealed record StaticFigures(double? LoadPaintedMs, double UpdateScriptMs, double UpdatePaintedMs, double UpdateBlockedMs, int Elements);

/// <summary>
/// The peer without Blazor: the very DOM the console's page held once fitted (its outerHTML, scripts removed,
/// the same style sheets from the console), served as a static page at the console's address and loaded
/// by the same Chromium; then the same kind of change a refresh makes (every node's figures, every edge
/// label's text, every link's stroke width) applied by one plain script. What is left of the console's
/// figures beyond these is Blazor Server's and the diagram's.
/// </summary>
internal static partial class StaticPeer
{
    private const int Loads = 3;
    private const int Updates = 5;

    private const string UpdateScript = """
        async round => {
          const start = performance.now();
          for (const f of document.querySelectorAll('.mesh-node__figures')) f.textContent = `${(round * 7.3 % 50).toFixed(1)} rps · ${(round % 3)}.0 % err`;
          for (const l of document.querySelectorAll('g.diagram-link foreignObject div')) l.textContent = `${(round * 1.7 % 9).toFixed(1)} rps · p95 ${round + 10} ms · 0.${round} % err`;
          for (const p of document.querySelectorAll('g.diagram-link path[stroke-width]')) p.setAttribute('stroke-width', String(1.5 + (round % 4)));
          const scripted = performance.now();
          document.body.offsetHeight; // style and layout now, inside the task, as Blazor's batch would be followed by them
          const painted = await new Promise(resolve => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));
          await new Promise(resolve => setTimeout(resolve, 100));
          const blocked = window.__bench.longTasks.filter(t => t[0] >= start - 1).reduce((a, t) => a + t[1], 0);
          return { script: scripted - start, painted: painted - start, blocked };
        }
        """;

    /// <summary>Loads the copy a few times and updates it in place; <paramref name="signedIn"/> is the pages' browser state, so the style sheets come the same way.</summary>
    public static async Task<StaticFigures> RunAsync(IBrowser browser, Uri console, string signedIn, string dom, string probe, int edges)
    {
        var html = Scripts().Replace(dom, "");
        var address = new Uri(console, "bench-static-copy");
        var loads = new List<double>();
        var updates = new List<(double Script, double Painted, double Blocked)>();
        var elements = 0;
        for (var i = 0; i < Loads; i++)
        {
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 }, StorageState = signedIn }).ConfigureAwait(false);
            await context.AddInitScriptAsync($"const benchExpectedEdges = {edges};\n{probe}").ConfigureAwait(false);
            await context.RouteAsync(address.ToString(), route => route.FulfillAsync(new() { ContentType = "text/html", Body = html })).ConfigureAwait(false);
            var page = await context.NewPageAsync().ConfigureAwait(false);
            var started = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
            await page.GotoAsync(address.ToString()).ConfigureAwait(false);
            await page.WaitForFunctionAsync("() => window.__bench.loadPaintedAt !== null", null, new() { PollingInterval = 50, Timeout = 60_000 }).ConfigureAwait(false);
            var origin = (await PageSession.CensusAsync(page).ConfigureAwait(false)).TimeOrigin - started;
            loads.Add(origin + await page.EvaluateAsync<double>("() => window.__bench.loadPaintedAt").ConfigureAwait(false));
            elements = (await PageSession.CensusAsync(page).ConfigureAwait(false)).Elements;
            if (i == 0)
            {
                for (var round = 1; round <= Updates; round++)
                {
                    var r = await page.EvaluateAsync<JsonElement>(UpdateScript, round).ConfigureAwait(false);
                    updates.Add((r.GetProperty("script").GetDouble(), r.GetProperty("painted").GetDouble(), r.GetProperty("blocked").GetDouble()));
                }
            }
        }

        return new StaticFigures(Median(loads), Median(updates.Select(u => u.Script)), Median(updates.Select(u => u.Painted)),
            Median(updates.Select(u => u.Blocked)), elements);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    [GeneratedRegex(@"<script\b[^>]*>.*?</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Scripts();
}
