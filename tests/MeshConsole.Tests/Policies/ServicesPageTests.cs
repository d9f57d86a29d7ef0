using Bunit;
using Mesh.Policy.Documents;
using MeshConsole.Policies;

namespace MeshConsole.Tests.Policies;

public sealed class ServicesPageTests : PageTestContext
{
    [Fact]
    public void Render_NoServices_ShowsEmptyStateWithHowTo()
    {
        var page = Render<ServicesPage>();

        page.WaitForAssertion(() => Assert.Contains("No services yet", page.Markup, StringComparison.Ordinal));
        Assert.Contains("/api/services/orders", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_ServicesWithPolicies_ListsThemWithPolicyChips()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"team-orders","description":"Order intake"}""");
        await WriteAsync(ConfigKind.Service, "payments", """{"owner":"team-pay"}""");
        await WriteAsync(ConfigKind.Routes, "orders",
            """{"subsets":[{"name":"v1","labels":{"version":"v1"}}],"rules":[{"destinations":[{"subset":"v1","weight":100}]}]}""");

        var page = Render<ServicesPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        var rows = page.FindAll("tbody tr");
        Assert.Contains("orders", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("team-orders", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("routes v1", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("revision 3 by alice", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("none", rows[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClickService_ShowsItsDocumentsAsJson()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"team-orders"}""");
        await WriteAsync(ConfigKind.Routes, "orders",
            """{"subsets":[{"name":"v1","labels":{"version":"v1"}}],"rules":[{"destinations":[{"subset":"v1","weight":100}]}]}""");
        var page = Render<ServicesPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));

        page.Find("tbody tr button").Click();

        var json = page.FindAll("pre.mesh-json");
        Assert.Equal(2, json.Count);
        Assert.Contains("\"weight\": 100", json[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.Find("tbody tr button").GetAttribute("aria-expanded"));
    }
}
