using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace MeshConsole.Browser.Tests;

/// <summary>The history journey in a real browser: find a change, read its diff, revert it with a reason, export.</summary>
public sealed class HistoryJourneyTests : IClassFixture<BrowserFixture>
{
    private const string Routes = """
        { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
          "rules": [ { "destinations": [ {"subset":"v1","weight":WEIGHT1}, {"subset":"v2","weight":WEIGHT2} ] } ],
          "version": VERSION, "reason": "REASON" }
        """;

    private readonly BrowserFixture _fixture;

    public HistoryJourneyTests(BrowserFixture fixture)
    {
        _fixture = fixture;
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    [Fact]
    public async Task FilterOpenRevertExport_RevertIsANewRevisionRestoringTheWeights()
    {
        using var api = _fixture.Api();
        await PutAsync(api, "api/services/checkout", """{"owner":"team-checkout","version":0}""");
        await PutAsync(api, "api/services/checkout/routes", RoutesJson(90, 10, 0, "canary v2 at 10 %"));
        var shifted = await PutAsync(api, "api/services/checkout/routes", RoutesJson(50, 50, 1, "canary v2 at 50 %"));
        var page = await _fixture.SignedInPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });

        await page.OpenAsync("history?target=checkout&kind=routes");
        var rows = page.Locator("[data-testid=history-table] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await rows.First.GetByRole(AriaRole.Link, new() { Name = Text(shifted), Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Revision {shifted}" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=revision-diff] .mesh-diff-modified").First).ToContainTextAsync("90");
        await page.Locator("[data-testid=revert-open]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=revert-diff]")).ToContainTextAsync("\"weight\": 90");
        await page.Locator("[data-testid=revert-confirm]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=revert-panel]")).ToContainTextAsync("required: say why");
        await page.Locator("input[data-testid=revert-reason]").FillAsync("v2 p99 doubled at 50 %");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "history-revert.png") });
        await page.Locator("[data-testid=revert-confirm]").ClickAsync();

        var reverted = shifted + 1;
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Revision {reverted}" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=revision-summary]")).ToContainTextAsync($"reverts #{shifted}");
        await Assertions.Expect(page.Locator("[data-testid=revision-reason]")).ToContainTextAsync("v2 p99 doubled at 50 %");
        var current = JsonDocument.Parse(await api.GetStringAsync("api/services/checkout/routes")).RootElement;
        Assert.Equal(90, current.GetProperty("rules")[0].GetProperty("destinations")[0].GetProperty("weight").GetInt32());

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=export-yaml]").ClickAsync());
        Assert.Equal($"mesh-revision-{reverted}.yaml", download.SuggestedFilename);
        var yaml = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains($"revertOf: {shifted}", yaml, StringComparison.Ordinal);
        Assert.Contains("actor: admin", yaml, StringComparison.Ordinal);

        await page.OpenAsync("history?target=checkout");
        await Assertions.Expect(rows.First).ToContainTextAsync($"revert of #{shifted}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "history.png") });
        var config = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=export-config-yaml]").ClickAsync());
        Assert.Equal($"mesh-config-r{reverted}.yaml", config.SuggestedFilename);
        Assert.Contains("checkout:", await File.ReadAllTextAsync(await config.PathAsync()), StringComparison.Ordinal);
    }

    private static string RoutesJson(int v1, int v2, long version, string reason) => Routes
        .Replace("WEIGHT1", Text(v1), StringComparison.Ordinal)
        .Replace("WEIGHT2", Text(v2), StringComparison.Ordinal)
        .Replace("VERSION", Text(version), StringComparison.Ordinal)
        .Replace("REASON", reason, StringComparison.Ordinal);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<long> PutAsync(HttpClient api, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await api.PutAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt64();
    }
}
