using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace MeshConsole.Browser.Tests;

/// <summary>
/// With the demo shop running, an operator opens the orders service's routes, moves the canary's weights,
/// previews the change, saves it with a reason, watches the observed split follow, finds the revision in
/// History and reverts it, then rolls v2 out progressively.
/// </summary>
public sealed partial class CanaryJourneyTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _fixture;

    public CanaryJourneyTests(BrowserFixture fixture)
    {
        _fixture = fixture;
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    [Fact]
    public async Task MoveCanaryWeights_SaveWithReason_ObservedSplitFollows_RevertedFromHistory_ThenRolloutSucceeds()
    {
        await using var demo = DemoProcess.Start(_fixture.Console, rate: 20);
        var page = await _fixture.SignedInPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1500 } });
        // The Services page lists what the store holds when it opens: wait for the demo to have written the orders canary.
        await WaitForDemoRoutesAsync(demo);
        await page.OpenAsync("services");

        await page.Locator("[data-testid=routes-link-orders]").ClickAsync();

        // The demo's orders routes: a beta rule, then the catch-all sending 10 % to v2.
        await Assertions.Expect(Field(page, "weight-1-1")).ToHaveValueAsync("10");
        await Assertions.Expect(page.Locator("[data-testid=observed-v2]")).ToBeVisibleAsync();
        await Field(page, "weight-1-0").FillAsync("40");
        await Field(page, "weight-1-0").PressAsync("Tab");
        await Assertions.Expect(Field(page, "weight-1-1")).ToHaveValueAsync("60");
        await Assertions.Expect(page.Locator("[data-testid=weight-sum-1]")).ToHaveTextAsync("100");

        await Field(page, "reason").FillAsync("browser test: canary v2 to 60 %");
        await Field(page, "reason").PressAsync("Enter");
        var diff = page.Locator("[data-testid=preview-diff]");
        await Assertions.Expect(diff.Locator(".mesh-diff-modified, .mesh-diff-added").Filter(new() { HasText = "\"weight\": 60" }).First).ToBeVisibleAsync();
        await Assertions.Expect(diff.Locator(".mesh-diff-modified, .mesh-diff-removed").Filter(new() { HasText = "\"weight\": 10" }).First).ToBeVisibleAsync();
        await page.Locator("[data-testid=save]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=saved-revision]")).ToHaveTextAsync(new Regex(@"^#\d+$"));
        await Assertions.Expect(page.Locator("[data-testid=desired-v2]")).ToHaveTextAsync("60 %");
        await Assertions.Expect(page.Locator("[data-testid=routes-version]")).ToContainTextAsync("version 2");
        // The last minute still holds calls split 90/10; those after the save move it towards 60 %.
        var observed = await WaitForObservedAsync(page, "v2", atLeast: 25, TimeSpan.FromSeconds(90));
        Assert.InRange(observed, 25, 75);

        // The change is in History: open it from the timeline and revert it with a reason.
        var saved = (await page.Locator("[data-testid=saved-revision]").TextContentAsync())!.TrimStart('#');
        await page.OpenAsync("history?target=orders&kind=routes");
        var row = page.Locator("[data-testid=history-table] tbody tr", new() { HasText = "browser test: canary v2 to 60 %" });
        await row.GetByRole(AriaRole.Link, new() { Name = saved, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Revision {saved}" })).ToBeVisibleAsync();
        await page.Locator("[data-testid=revert-open]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=revert-diff]")).ToContainTextAsync("\"weight\": 10");
        await Field(page, "revert-reason").FillAsync("browser test: back to 10 %");
        await page.Locator("[data-testid=revert-confirm]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=revision-summary]")).ToContainTextAsync($"reverts #{saved}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "canary-reverted.png") });
        await page.Locator("[data-testid=revision-summary]").GetByRole(AriaRole.Link, new() { Name = "orders" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=history-table] tbody tr").First).ToContainTextAsync($"revert of #{saved}");
        await page.OpenAsync("services/orders/routes");
        await Assertions.Expect(page.Locator("[data-testid=desired-v2]")).ToHaveTextAsync("10 %");

        // A progressive rollout on the same rule. The demo's v2 is slower and fails a little more often than v1 by
        // design, and ten seconds of calls are few: a tolerant gate lets the journey show the promotion (the roll
        // back is RolloutApiTests' to show, with figures it controls).
        await Field(page, "rollout-steps-input").FillAsync("80, 100");
        await Field(page, "rollout-interval").FillAsync("10");
        await Field(page, "rollout-max-excess").FillAsync("10");
        await Field(page, "rollout-max-ratio").FillAsync("10");
        await Field(page, "rollout-min-calls").FillAsync("20");
        await Field(page, "rollout-reason").FillAsync("browser test: roll v2 out");
        await Field(page, "rollout-reason").PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-testid=rollout-state]")).ToHaveTextAsync("running");
        await Assertions.Expect(page.Locator("[data-testid=desired-v2]")).ToHaveTextAsync("80 %");
        await Assertions.Expect(page.Locator("[data-testid=rollout-state]")).ToHaveTextAsync(new Regex("succeeded|rolled back"), new() { Timeout = 90_000 });
        var state = await page.Locator("[data-testid=rollout-state]").TextContentAsync();
        var message = await page.Locator("[data-testid=rollout-message]").TextContentAsync();
        Assert.True(state == "succeeded", $"the rollout ended {state}: {message}");
        await Assertions.Expect(page.Locator("[data-testid=desired-v2]")).ToHaveTextAsync("100 %");
        await Assertions.Expect(page.Locator("[data-testid=rollout-gate]")).ToContainTextAsync("pass");
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "canary.png") });
    }

    private async Task WaitForDemoRoutesAsync(DemoProcess demo)
    {
        using var api = _fixture.Api();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await api.GetAsync("api/services/orders/routes")).StatusCode != System.Net.HttpStatusCode.OK)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the demo never wrote the orders routes; its output:\n{demo.Output}");
            await Task.Delay(250);
        }
    }

    /// <summary>A MudBlazor field marked with <paramref name="testId"/>, whether the mark sits on its input or around it.</summary>
    private static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    private static async Task<double> WaitForObservedAsync(IPage page, string subset, double atLeast, TimeSpan within)
    {
        var cell = page.Locator($"[data-testid=observed-{subset}]");
        var deadline = DateTime.UtcNow + within;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await cell.TextContentAsync() ?? "";
            if (Percent().Match(last) is { Success: true } match
                && double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) is var share && share >= atLeast)
                return share;
            await Task.Delay(1000);
        }

        throw new TimeoutException($"the observed share of {subset} never reached {atLeast} %; last: {last}");
    }

    [GeneratedRegex(@"^([\d.]+) %$")]
    private static partial Regex Percent();
}
