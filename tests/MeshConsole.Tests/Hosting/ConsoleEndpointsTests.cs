using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace MeshConsole.Tests.Hosting;

public sealed class ConsoleEndpointsTests : ConsoleApiTest
{
    [Fact]
    public async Task Healthz_StoreReachable_Healthy()
    {
        var response = await Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_AfterAWrite_ExposesHttpAndRevisionCounters()
    {
        await Client.PutAsync("/api/services/orders", new StringContent("{\"owner\":\"t\",\"version\":0}", Encoding.UTF8, "application/json"));

        var text = await Client.GetStringAsync("/metrics");

        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Contains("mesh_config_revisions_total{", text, StringComparison.Ordinal);
        Assert.Contains("mesh_config_kind=\"service\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_Document_DescribesPolicyAndRevisionPaths()
    {
        var document = await Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/services", "/api/services/{name}/routes", "/api/services/{name}/resilience",
                     "/api/services/{name}/faults", "/api/access", "/api/revisions", "/api/revisions/{number}/revert" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        }
    }

    [Theory]
    [InlineData("/", "Services")]
    [InlineData("/history", "History")]
    [InlineData("/access", "Access")]
    [InlineData("/settings", "sqlite")]
    [InlineData("/identity", "CN=Mesh CA 1, O=mesh.local")]
    public async Task Pages_Prerendered_ShowShellAndContent(string path, string expected)
    {
        var html = await Client.GetStringAsync(path);

        Assert.Contains("MeshConsole", html, StringComparison.Ordinal);
        Assert.Contains("href=\"topology\"", html, StringComparison.Ordinal);
        Assert.Contains(expected, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_EveryLinkedStylesheetAndScript_ServedWithContent()
    {
        var html = await Client.GetStringAsync("/services");
        var assets = System.Text.RegularExpressions.Regex.Matches(html, "(?:href|src)=\"([^\"]+\\.(?:css|js))\"")
            .Select(m => m.Groups[1].Value)
            .ToList();

        Assert.Contains(assets, a => a.Contains("MudBlazor", StringComparison.Ordinal) && a.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.StartsWith("app.", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            var response = await Client.GetAsync("/" + asset.TrimStart('/'));
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.IsSuccessStatusCode && body.Length > 0, $"{asset}: {(int)response.StatusCode}, {body.Length} bytes");
        }
    }

    [Theory]
    [InlineData("/app.css")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/_framework/blazor.web.js")]
    public async Task StaticAssets_Served(string path)
    {
        var response = await Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
