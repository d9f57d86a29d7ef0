using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Testing;
using Microsoft.Playwright;

namespace MeshConsole.Browser.Tests;

/// <summary>
/// An operator who signs in through the team's identity provider in Chromium: the provider is on
/// localhost and the console on 127.0.0.1, two sites, so the browser applies its SameSite rules to the
/// redirect back as it would in production. Then a revert from History records the user's name.
/// </summary>
public sealed class SingleSignOnJourneyTests : IAsyncLifetime
{
    private const string Button = "Sign in with the test provider";

    private TestIdentityProvider _provider = null!;
    private BrowserFixture _fixture = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(15_000);
        _provider = await TestIdentityProvider.StartAsync("localhost");
        const string key = "Mesh__Authentication__OpenIdConnect__";
        _fixture = new BrowserFixture(new Dictionary<string, string>
        {
            [key + "Authority"] = _provider.Issuer,
            [key + "RequireHttpsMetadata"] = "false",
            [key + "ClientId"] = TestIdentityProvider.ClientId,
            [key + "ClientSecret"] = TestIdentityProvider.ClientSecret,
            [key + "DisplayName"] = Button,
            [key + "RoleMap__mesh-operators"] = "operator",
        });
        await _fixture.InitializeAsync();
        _provider.RedirectUri = new Uri(_fixture.Console.Address, "signin-oidc");
    }

    public async Task DisposeAsync()
    {
        await _fixture.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task SsoButton_OperatorSignsIn_BackOnHistoryAndTheirRevertRecordsTheirName()
    {
        using var api = _fixture.Api();
        await PutAsync(api, """{"owner":"team-a","version":0}""");
        var changed = await PutAsync(api, """{"owner":"team-b","version":1,"reason":"handed over"}""");
        _provider.User = new TestIdentityUser("sub-pia", "pia", "pia@example.com", ["mesh-operators"]);
        _provider.ShowsContinuePage = true;
        var context = await _fixture.Browser.NewContextAsync(new() { BaseURL = _fixture.Console.Address.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);

        await page.GotoAsync($"history/{changed}");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
        await page.GetByRole(AriaRole.Button, new() { Name = Button }).ClickAsync();
        // On the provider's site now: the way back to the console starts there.
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToContainTextAsync("pia (operator)");
        Assert.EndsWith($"/history/{changed}", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-mesh-interactive]")).ToHaveAttributeAsync("data-mesh-interactive", "true");
        await page.Locator("[data-testid=revert-open]").ClickAsync();
        await page.Locator("input[data-testid=revert-reason], [data-testid=revert-reason] input").First.FillAsync("browser test: back to team-a");
        await page.Locator("[data-testid=revert-confirm]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=revision-summary]")).ToContainTextAsync($"reverts #{changed}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(_fixture.ScreenshotDirectory, "sso-revert.png") });

        var revert = await api.GetFromJsonAsync<JsonElement>($"api/revisions/{changed + 1}");
        Assert.Equal("pia", revert.GetProperty("actor").GetString());
    }

    private static async Task<long> PutAsync(HttpClient api, string body)
    {
        using var response = await api.PutAsync("api/services/sso-orders", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("revision").GetInt64();
    }
}
