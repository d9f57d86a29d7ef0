using Microsoft.Playwright;

namespace MeshConsole.Browser.Tests;

public static class PageExtensions
{
    /// <summary>
    /// Opens a console page and waits for its interactive circuit: until then the page is prerendered HTML, where a
    /// click does nothing and a filled field is replaced (detached) when the circuit renders it again.
    /// </summary>
    public static async Task OpenAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await Assertions.Expect(page.Locator("[data-mesh-interactive]")).ToHaveAttributeAsync("data-mesh-interactive", "true");
    }
}
