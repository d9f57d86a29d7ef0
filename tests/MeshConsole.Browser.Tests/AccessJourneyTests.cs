using System.Net.Http.Json;
using Microsoft.Playwright;

namespace MeshConsole.Browser.Tests;

/// <summary>An admin shuts frontend out of orders' admin pages on the Access page; the what-if then says denied, naming the rule.</summary>
public sealed class AccessJourneyTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _fixture;

    public AccessJourneyTests(BrowserFixture fixture)
    {
        _fixture = fixture;
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    [Fact]
    public async Task AddDenyRule_PreviewSaveWithReason_WhatIfSaysDeniedNamingTheRule()
    {
        using (var api = _fixture.Api())
        {
            foreach (var service in new[] { "frontend", "orders", "payments" })
            {
                var declared = await api.PutAsJsonAsync($"api/services/{service}", new { owner = "shop", version = 0, reason = "browser test" });
                Assert.True(declared.IsSuccessStatusCode, await declared.Content.ReadAsStringAsync());
            }
        }

        var page = await _fixture.SignedInPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1300 } });
        await page.OpenAsync("access");
        var cell = page.Locator("[data-testid=cell-frontend-orders]");
        await Assertions.Expect(cell).ToHaveAttributeAsync("data-state", "default allow");

        await cell.ClickAsync();
        await page.Locator("[data-testid=cell-add-rule]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=rule-source]")).ToHaveValueAsync("frontend");
        await page.Locator("[data-testid=rule-methods]").FillAsync("POST");
        await page.Locator("[data-testid=rule-paths]").FillAsync("/admin");
        // Enter in the last field adds the rule (the form's submit); deny is the form's default action.
        await page.Locator("[data-testid=rule-paths]").PressAsync("Enter");
        await Assertions.Expect(cell).ToHaveAttributeAsync("data-state", "partial");

        await page.Locator("[data-testid=preview]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=access-diff] .mesh-diff-added").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=impact-none]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=save-reason]").FillAsync("frontend has no business in orders' admin pages");
        await page.Locator("[data-testid=save]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=access-notice]")).ToContainTextAsync("Saved as revision #");
        await Assertions.Expect(page.Locator("[data-testid=draft-banner]")).ToHaveCountAsync(0);

        await page.Locator("[data-testid=whatif-source]").FillAsync("frontend");
        await page.Locator("[data-testid=whatif-destination]").FillAsync("orders");
        // A click on the list can land while the popover still opens: choose until the select shows POST.
        var method = page.Locator("[data-testid=whatif-method]");
        var shown = () => method.EvaluateAsync<string>("e => e.value ?? e.innerText");
        for (var attempt = 0; attempt < 5 && !(await shown()).Contains("POST", StringComparison.Ordinal); attempt++)
        {
            await method.ClickAsync();
            await page.Locator(".mud-popover-open").GetByText("POST", new() { Exact = true }).ClickAsync();
            await page.WaitForTimeoutAsync(300);
        }
        Assert.Contains("POST", await shown(), StringComparison.Ordinal);
        await page.Locator("[data-testid=whatif-path]").FillAsync("/admin/users");
        await page.Locator("[data-testid=whatif-check]").ClickAsync();

        var verdict = page.Locator("[data-testid=whatif-saved]");
        await Assertions.Expect(verdict).ToHaveAttributeAsync("data-action", "deny");
        await Assertions.Expect(verdict).ToContainTextAsync("denied");
        await Assertions.Expect(verdict).ToContainTextAsync("rules[0]");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "access.png"), FullPage = true });

        using var check = _fixture.Api();
        var stored = await check.GetFromJsonAsync<System.Text.Json.JsonElement>("api/access");
        Assert.Equal("deny", stored.GetProperty("rules")[0].GetProperty("action").GetString());
    }
}
