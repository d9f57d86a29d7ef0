using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.Playwright;

namespace Mesh.Bench.Render;

/// <summary>Everything measured on one mesh.</summary>
internal sealed record MeshFigures(SyntheticMesh Mesh, double BaselineCores, IReadOnlyList<RepFigures> Reps, StaticFigures? Static, long SpansFed, long FeedFailures);

/// <summary>
/// The whole run: for the demo-sized peer and each size, a fresh console fed a live synthetic mesh, then
/// fresh pages one after the other in one headless Chromium, then the static copy of the page's DOM.
/// </summary>
internal static class RenderRun
{
    // Long enough for the 1-minute window to hold every edge.
    private static readonly TimeSpan _warmUp = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan _baseline = TimeSpan.FromSeconds(8);

    public static async Task<int> RunAsync(RenderOptions options)
    {
        var output = options.Out ?? Directory.CreateTempSubdirectory("mesh-bench-render-").FullName;
        Directory.CreateDirectory(output);
        var probe = await ProbeAsync().ConfigureAwait(false);
        var meshes = (options.PeerDemo ? [SyntheticMesh.Demo()] : Array.Empty<SyntheticMesh>())
            .Concat(options.Sizes.Select(SyntheticMesh.Layered)).ToList();
        Say($"render benchmark: {string.Join(", ", meshes.Select(m => $"{m.Services.Count}/{m.Edges.Count}"))} (services/edges); " +
            $"{options.Reps} fresh page(s) each, {options.UpdateWindow.TotalSeconds:F0} s of live updates per page; {options.Chromium}; output in {output}");

        using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = options.Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        }).ConfigureAwait(false);
        Say($"browser: Chromium {browser.Version}");

        var results = new List<MeshFigures>();
        foreach (var mesh in meshes)
            results.Add(await MeasureMeshAsync(browser, mesh, options, probe, output).ConfigureAwait(false));

        Report.Print(results, options);
        return results.All(r => r.Reps.All(rep => rep.Problem is null) && r.FeedFailures == 0) ? 0 : 1;
    }

    private static async Task<MeshFigures> MeasureMeshAsync(IBrowser browser, SyntheticMesh mesh, RenderOptions options, string probe, string output)
    {
        var label = $"{mesh.Services.Count}/{mesh.Edges.Count}";
        await using var host = await ConsoleHost.StartAsync(options.ConsoleAssembly, Path.Combine(output, $"console-{mesh.Name}.log")).ConfigureAwait(false);
        var signedIn = await SignInAsync(browser, host, label).ConfigureAwait(false);
        await using var feeder = new MeshFeeder(mesh, host.OtlpHttp, host.ApiToken);
        await feeder.StartAsync().ConfigureAwait(false);
        await Task.Delay(_warmUp).ConfigureAwait(false);
        Say($"{label}: console pid {host.Pid} at {host.Address}, VmRSS {host.RssKib / 1024} MiB; fed {feeder.SpansSent} spans so far");

        var session = new PageSession(browser, host, mesh, options, probe, signedIn);
        var pages = new List<(RepFigures Figures, TimeSpan? UpdateCpu, TimeSpan? ZoomedCpu)>();
        string? dom = null;
        for (var rep = 1; rep <= options.Reps; rep++)
        {
            var screenshot = rep == 1 ? Path.Combine(output, $"topology-{mesh.Name}.png") : null;
            var (figures, snapshot, updateCpu, zoomedCpu) = await session.RunAsync(rep, screenshot).ConfigureAwait(false);
            dom ??= snapshot;
            pages.Add((figures, updateCpu, zoomedCpu));
            Say($"{label} page {rep}: done{(figures.Problem is { } problem ? $" ({problem})" : "")}");
            // The console drops the circuit on the page's disconnect beacon; a pause lets it, and the browser, settle.
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }

        // The console's CPU with the feed alone, once the pages are gone, taken from what it spent while a
        // page updated: what the page costs it. Measured after rather than before the pages, when the console
        // is as warm as it was during them (just after its start it is still compiling and growing its heap).
        var baseline = await BaselineAsync(host).ConfigureAwait(false);
        Say($"{label}: console with the feed alone and no page, after the pages: {baseline:F3} cores");
        var reps = new List<RepFigures>();
        foreach (var (figures, updateCpu, zoomedCpu) in pages)
        {
            var withCpu = figures with
            {
                Updates = WithConsole(figures.Updates, updateCpu, baseline),
                ZoomedUpdates = WithConsole(figures.ZoomedUpdates, zoomedCpu, baseline),
            };
            reps.Add(withCpu);
            Report.SayRep(mesh, withCpu);
        }

        StaticFigures? copy = null;
        if (dom is not null)
        {
            var path = Path.Combine(output, $"topology-{mesh.Name}.html");
            await File.WriteAllTextAsync(path, dom).ConfigureAwait(false);
            copy = await StaticPeer.RunAsync(browser, host.Address, signedIn, dom, probe, mesh.Edges.Count).ConfigureAwait(false);
            Say($"{label}: static copy of the page's DOM ({copy.Elements} elements, {path}): loaded and painted in {copy.LoadPaintedMs:F0} ms; " +
                $"one in-place update of every figure, label and width: script {copy.UpdateScriptMs:F1} ms, painted {copy.UpdatePaintedMs:F1} ms, " +
                $"long tasks {copy.UpdateBlockedMs:F0} ms (medians)");
        }

        Say($"{label}: fed {feeder.SpansSent} spans in all, {feeder.Failures} failed exports{(feeder.FirstFailure is { } f ? $" (first: {f})" : "")}; " +
            $"console VmRSS {host.RssKib / 1024} MiB at the end");
        return new MeshFigures(mesh, baseline, reps, copy, feeder.SpansSent, feeder.Failures);
    }

    /// <summary>
    /// Signs in as the console's admin through its login page, once per console, and returns the browser
    /// state that holds the sign-in cookie: each measured page starts a fresh context from it, so no page
    /// measures the login.
    /// </summary>
    private static async Task<string> SignInAsync(IBrowser browser, ConsoleHost host, string label)
    {
        await using var context = await browser.NewContextAsync(new() { BaseURL = host.Address.ToString() }).ConfigureAwait(false);
        var page = await context.NewPageAsync().ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await page.GotoAsync("account/login").ConfigureAwait(false);
        await page.Locator("#userName").FillAsync(ConsoleHost.AdminUser).ConfigureAwait(false);
        await page.Locator("#password").FillAsync(host.AdminPassword).ConfigureAwait(false);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync().ConfigureAwait(false);
        await page.Locator("[data-testid=signed-in-user]").WaitForAsync().ConfigureAwait(false);
        Say($"{label}: signed in as {ConsoleHost.AdminUser} through /account/login in {clock.Elapsed.TotalMilliseconds:F0} ms (not measured by any page)");
        return await context.StorageStateAsync().ConfigureAwait(false);
    }

    private static UpdateFigures? WithConsole(UpdateFigures? updates, TimeSpan? cpu, double baselineCores) =>
        updates is null || cpu is null ? updates : updates with { ConsoleCores = cpu.Value.TotalSeconds / updates.Seconds, FeedCores = baselineCores };

    private static async Task<double> BaselineAsync(ConsoleHost host)
    {
        var before = host.Cpu;
        await Task.Delay(_baseline).ConfigureAwait(false);
        return host.Cpu - before is { } spent ? spent.TotalSeconds / _baseline.TotalSeconds : double.NaN;
    }

    private static async Task<string> ProbeAsync()
    {
        await using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("probe.js")
            ?? throw new InvalidOperationException("probe.js is not embedded");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
    }

    public static void Say(string line) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {line}"));
}
