using Microsoft.Playwright;

namespace MeshConsole.Browser.Tests;

/// <summary>One console process and one headless Debian Chromium for the browser tests of a class.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IReadOnlyDictionary<string, string>? _environment;
    private IPlaywright? _playwright;

    public BrowserFixture()
    {
    }

    /// <summary>A console started with these settings besides the usual ones; internal, as xunit wants one public constructor of a fixture.</summary>
    internal BrowserFixture(IReadOnlyDictionary<string, string> environment) => _environment = environment;

    public ConsoleProcess Console { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where journeys leave their screenshots.</summary>
    public string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run the tests with ./test.sh, which installs Debian's chromium.");
        Directory.CreateDirectory(ScreenshotDirectory);
        Console = await ConsoleProcess.StartAsync(_environment);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A new browser context signed in as the bootstrap admin through the login page.</summary>
    public async Task<IPage> SignedInPageAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL = Console.Address.ToString();
        var context = await Browser.NewContextAsync(options);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync("account/login");
        await page.Locator("#userName").FillAsync(ConsoleProcess.AdminUser);
        await page.Locator("#password").FillAsync(ConsoleProcess.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToContainTextAsync("admin (admin)");
        return page;
    }

    /// <summary>A client of the REST API sending the bootstrap admin token.</summary>
    public HttpClient Api()
    {
        var client = new HttpClient { BaseAddress = Console.Address };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ConsoleProcess.ApiToken);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Console is not null)
            await Console.DisposeAsync();
    }
}
