using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace MeshConsole.Browser.Tests;

/// <summary>The console in a real browser: the interactive circuit, navigation and the history journey.</summary>
public sealed class ConsoleShellTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _fixture;

    public ConsoleShellTests(BrowserFixture fixture)
    {
        _fixture = fixture;
        // A circuit's first render can take a few seconds on a loaded CI machine.
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    [Fact]
    public async Task History_ClickRevision_ShowsItsDiff()
    {
        using var api = _fixture.Api();
        await PutAsync(api, "api/services/orders", """{"owner":"team-orders","version":0}""");
        var revision = await PutAsync(api, "api/services/orders", """{"owner":"team-checkout","version":1,"reason":"team renamed"}""");
        var page = await NewPageAsync();

        await page.OpenAsync("history");
        var row = page.Locator("[data-testid=history-table] tbody tr", new() { HasText = "team renamed" });
        await Assertions.Expect(row).ToBeVisibleAsync();
        await row.GetByRole(AriaRole.Link, new() { Name = revision.ToString(CultureInfo.InvariantCulture), Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Revision {revision}" })).ToBeVisibleAsync();
        var changed = page.Locator("[data-testid=revision-diff] .mesh-diff-modified");
        await Assertions.Expect(changed.First).ToContainTextAsync("team-orders");
        await Assertions.Expect(changed.Last).ToContainTextAsync("team-checkout");
    }

    [Fact]
    public async Task Services_ClickService_ExpandsItsDocumentsAndNavigationWorks()
    {
        using var api = _fixture.Api();
        await PutAsync(api, "api/services/payments", """{"owner":"team-pay","description":"Card payments","version":0}""");
        var page = await NewPageAsync();

        await page.OpenAsync("services");
        await page.GetByRole(AriaRole.Button, new() { Name = "payments" }).ClickAsync();

        await Assertions.Expect(page.Locator("pre.mesh-json")).ToContainTextAsync("\"owner\": \"team-pay\"");
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=settings-table]")).ToContainTextAsync("sqlite");
    }

    [Fact]
    public async Task AnonymousVisit_LoginThenBackToThePage_SignOutEndsIt()
    {
        var context = await _fixture.Browser.NewContextAsync(new() { BaseURL = _fixture.Console.Address.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);

        await page.GotoAsync("history");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?returnUrl=%2Fhistory$"));
        await page.Locator("#userName").FillAsync(ConsoleProcess.AdminUser);
        await page.Locator("#password").FillAsync(ConsoleProcess.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/history$"));
        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToContainTextAsync("admin (admin)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
        await page.GotoAsync("history");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?returnUrl=%2Fhistory$"));
    }

    [Fact]
    public async Task DarkModeToggle_SwitchesThePalette()
    {
        var page = await NewPageAsync();
        await page.OpenAsync("services");
        var background = () => page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark mode" })).ToBeEnabledAsync();
        var light = await background();

        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark mode" }).ClickAsync();

        await Assertions.Expect(page.Locator("body")).Not.ToHaveCSSAsync("background-color", light);
    }

    private Task<IPage> NewPageAsync() => _fixture.SignedInPageAsync();

    /// <summary>Writes through the REST API and gives the revision it made.</summary>
    private static async Task<long> PutAsync(HttpClient api, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await api.PutAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt64();
    }
}
