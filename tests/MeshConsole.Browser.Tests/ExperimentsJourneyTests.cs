using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace MeshConsole.Browser.Tests;

/// <summary>
/// With the demo shop running, an operator starts an experiment from the form that aborts every call to
/// payments, watches it run, and sees the console end it by its condition and show the result.
/// </summary>
public sealed class ExperimentsJourneyTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _fixture;

    public ExperimentsJourneyTests(BrowserFixture fixture)
    {
        _fixture = fixture;
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    [Fact]
    public async Task StartFromTheForm_Progress_AbortedByTheCondition_WithItsResult()
    {
        await using var demo = DemoProcess.Start(_fixture.Console, rate: 20);
        using var api = _fixture.Api();
        await WaitForCallsAsync(api);
        var page = await _fixture.SignedInPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });

        await page.OpenAsync("experiments");
        await Assertions.Expect(page.GetByText("No experiments yet")).ToBeVisibleAsync();
        await page.Locator("[data-testid=new-experiment]").ClickAsync();

        // Typed field by field; Enter in the last field submits.
        await page.Locator("#exp-name").FillAsync("payments outage");
        await page.Locator("#exp-target").FillAsync("payments");
        await page.Locator("#exp-abort-http").FillAsync("503");
        await page.Locator("#exp-abort-percent").FillAsync("100");
        await page.Locator("#exp-duration").FillAsync("240");
        await page.Locator("#exp-cond-source").FillAsync("orders");
        await page.Locator("#exp-cond-destination").FillAsync("payments");
        await page.Locator("#exp-cond-percent").FillAsync("20");
        await page.Locator("#exp-cond-seconds").FillAsync("10");
        await page.Locator("#exp-reason").FillAsync("game day: does checkout survive payments failing?");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "experiments-form.png") });
        await page.Locator("#exp-reason").PressAsync("Enter");

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/experiments/\\d+$"));
        await Assertions.Expect(page.Locator("[data-testid=experiment-state]")).ToHaveAttributeAsync("data-state", "running");
        await Assertions.Expect(page.Locator("[data-testid=experiment-condition]")).ToContainTextAsync("error % on orders→payments above 20 for 10 s");
        await Assertions.Expect(page.Locator("[data-testid=chart-errors]")).ToBeVisibleAsync();
        var progress = int.Parse(await page.Locator("[data-testid=experiment-progress]").GetAttributeAsync("data-progress") ?? "-1", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(progress, 0, 99);
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "experiments-running.png") });

        // The edge errors at 100 %: the condition holds from the first reading that sees it, and 10 s later the console ends it.
        await Assertions.Expect(page.Locator("[data-testid=experiment-state]")).ToHaveAttributeAsync("data-state", "aborted", new() { Timeout = 90_000 });
        await Assertions.Expect(page.Locator("[data-testid=experiment-end]")).ToContainTextAsync("orders→payments errors at");
        // "During" ends with the 10 s bucket the end falls in and is read 15 s later (calls are exported late): up to 25 s after the end.
        await Assertions.Expect(page.Locator("[data-testid=phase-during]")).ToContainTextAsync("%", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=phase-before]")).ToContainTextAsync("/s");

        // The fault is gone from payments' policy, and the after span fills in once as long again has passed.
        var faults = await api.GetAsync("api/services/payments/faults");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, faults.StatusCode);
        await Assertions.Expect(page.Locator("[data-testid=phase-after]")).ToContainTextAsync("/s", new() { Timeout = 120_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "experiments-result.png"), FullPage = true });

        await page.OpenAsync("experiments");
        await Assertions.Expect(page.Locator("[data-testid=experiment-state]").First).ToHaveAttributeAsync("data-state", "aborted");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "experiments-list.png") });
    }

    /// <summary>
    /// Waits until the console's topology shows calls from orders to payments with errors below 1 % over the last
    /// minute: the demo is past its start (sidecars joining), so the "before" span shows the shop as it runs.
    /// </summary>
    private static async Task WaitForCallsAsync(HttpClient api)
    {
        var deadline = DateTime.UtcNow.AddSeconds(150);
        while (DateTime.UtcNow < deadline)
        {
            var response = await api.GetAsync("api/topology?window=1m");
            if (response.IsSuccessStatusCode)
            {
                var view = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (view.GetProperty("edges").EnumerateArray().Any(e =>
                        e.GetProperty("source").GetString() == "orders" && e.GetProperty("destination").GetString() == "payments"
                        && e.GetProperty("requests").GetInt64() > 20 && e.GetProperty("errorPercent").GetDouble() < 1))
                    return;
            }

            await Task.Delay(1000);
        }

        throw new TimeoutException("the demo's orders never called payments without errors");
    }
}
