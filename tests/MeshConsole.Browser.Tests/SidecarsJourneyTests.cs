using MeshSidecar;
using MeshSidecar.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace MeshConsole.Browser.Tests;

/// <summary>A real sidecar joins the real console; the operator sees it on the Sidecars page, SYNCED.</summary>
public sealed class SidecarsJourneyTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _fixture;

    public SidecarsJourneyTests(BrowserFixture fixture)
    {
        _fixture = fixture;
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    [Fact]
    public async Task SidecarJoins_SidecarsPageShowsItSynced()
    {
        var state = Directory.CreateTempSubdirectory("mesh-browser-sidecar-").FullName;
        await using var sidecar = SidecarHost.Create(new SidecarOptions
        {
            Service = "orders",
            AppPort = ConsoleProcess.FreePort(),
            ControlPlane = _fixture.Console.ControlPlane,
            JoinToken = ConsoleProcess.JoinToken,
            Labels = new Dictionary<string, string> { ["version"] = "v2" },
            OutboundPort = ConsoleProcess.FreePort(),
            InboundPort = ConsoleProcess.FreePort(),
            AdminPort = ConsoleProcess.FreePort(),
            InstanceId = "orders-browser",
            StateDirectory = state,
        }, logging => logging.ClearProviders());
        await sidecar.StartAsync();
        var page = await _fixture.SignedInPageAsync();

        await page.OpenAsync("sidecars");

        var row = page.Locator("[data-testid=sidecars-table] tbody tr", new() { HasText = "orders-browser" });
        await Assertions.Expect(row).ToContainTextAsync("SYNCED");
        await Assertions.Expect(row).ToContainTextAsync("version=v2");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "sidecars.png"), FullPage = true });
        Directory.Delete(state, recursive: true);
    }
}
