using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace MeshConsole.Browser.Tests;

/// <summary>The demo shop runs against a real console; its Topology page draws the shop's calls and turns an edge red under a fault.</summary>
public sealed class TopologyJourneyTests : IClassFixture<BrowserFixture>
{
    // The demo's calls: loadgen → frontend → catalog, orders; orders → payments, inventory.
    private static readonly string[] _services = ["loadgen", "frontend", "catalog", "orders", "payments", "inventory"];

    private readonly BrowserFixture _fixture;

    public TopologyJourneyTests(BrowserFixture fixture)
    {
        _fixture = fixture;
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    [Fact]
    public async Task DemoRuns_GraphDrawsItsEdges_AndAFaultTurnsPaymentsRed()
    {
        await using var demo = DemoProcess.Start(_fixture.Console, rate: 20);
        var page = await _fixture.SignedInPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });

        await page.OpenAsync("topology?window=1m");

        var canvas = page.Locator("[data-testid=topology-canvas]");
        foreach (var service in _services)
            await Assertions.Expect(page.Locator($"[data-service={service}]")).ToBeVisibleAsync();
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-edges", "5");
        // Every edge is drawn as an SVG path between two measured nodes.
        await Assertions.Expect(page.Locator("g.diagram-link")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("g.diagram-link path[stroke]").First).ToHaveAttributeAsync("d", new System.Text.RegularExpressions.Regex("^M "));
        await Assertions.Expect(page.Locator("[data-service=orders] [data-subset=v2]")).ToContainTextAsync("10 %");
        await Assertions.Expect(page.Locator("[data-service=payments]")).ToHaveAttributeAsync("data-health", "green");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "topology.png") });

        using var api = _fixture.Api();
        var expires = DateTimeOffset.UtcNow.AddMinutes(10).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var fault = await api.PutAsync("api/services/payments/faults", JsonContent.Create(new
        {
            faults = new[] { new { name = "payments-down", abort = new { httpStatus = 503, percent = 100 }, expiresAt = expires } },
            version = 0,
            reason = "browser test: fault on the payments edge",
        }));
        Assert.True(fault.IsSuccessStatusCode, await fault.Content.ReadAsStringAsync());

        await Assertions.Expect(page.Locator("[data-service=payments]")).ToHaveAttributeAsync("data-health", "red");
        await page.Locator("[data-service=payments]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=topology-details]")).ToContainTextAsync("payments");
        await Assertions.Expect(page.Locator("[data-testid=instances]")).ToContainTextAsync("payments-v1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "topology-fault.png") });
    }
}
