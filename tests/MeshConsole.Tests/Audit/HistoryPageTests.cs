using Bunit;
using Mesh.Policy.Documents;
using MeshConsole.Audit;

namespace MeshConsole.Tests.Audit;

public sealed class HistoryPageTests : PageTestContext
{
    [Fact]
    public async Task Render_Revisions_ListsNewestFirst()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"a"}""");
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"b"}""", version: 1);

        var page = Render<HistoryPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        var rows = page.FindAll("tbody tr");
        Assert.StartsWith("2", rows[0].TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("update", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("alice", rows[0].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevisionPage_Update_ShowsRemovedAndAddedLines()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"a"}""");
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"b"}""", version: 1);

        var page = Render<RevisionPage>(p => p.Add(x => x.Number, 2L));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".mesh-diff-added")));
        Assert.Contains("\"owner\": \"a\"", page.Find(".mesh-diff-removed").TextContent, StringComparison.Ordinal);
        Assert.Contains("\"owner\": \"b\"", page.Find(".mesh-diff-added").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void RevisionPage_Unknown_SaysItDoesNotExist()
    {
        var page = Render<RevisionPage>(p => p.Add(x => x.Number, 42L));

        page.WaitForAssertion(() => Assert.Contains("Revision 42 does not exist", page.Markup, StringComparison.Ordinal));
    }
}
