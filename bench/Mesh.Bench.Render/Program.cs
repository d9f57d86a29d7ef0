using Mesh.Bench.Render;
using Microsoft.Playwright;

// Render benchmark driver: see bench/render.sh and bench/RESULTS.md.
var (options, error) = RenderOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine($"Mesh.Bench.Render: {error}");
    Console.Error.WriteLine(RenderOptions.Usage);
    return 2;
}

try
{
    return await RenderRun.RunAsync(options).ConfigureAwait(false);
}
catch (Exception ex) when (ex is PlaywrightException or HttpRequestException or IOException or InvalidOperationException or TimeoutException)
{
    // The console or the browser went away or answered something unexpected: say so, and end like any failed run.
    Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] failed: {ex.GetType().Name}: {ex.Message}");
    Console.WriteLine("RESULT failed");
    return 1;
}
