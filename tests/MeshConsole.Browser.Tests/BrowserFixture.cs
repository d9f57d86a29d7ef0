using Microsoft.Playwright;

namespace MeshConsole.Browser.Tests;

/// <summary>One console process and one headless Debian Chromium for the browser tests of a class.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public ConsoleProcess Console { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where journeys leave their screenshots.</summary>
    public string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run the tests with ./test.sh, which installs Debian's chromium.");
        Directory.CreateDirectory(ScreenshotDirectory);
        Console = await ConsoleProcess.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
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
