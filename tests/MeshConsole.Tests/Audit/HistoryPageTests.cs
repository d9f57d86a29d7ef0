using Bunit;
using Mesh.Policy.Documents;
using MeshConsole.Audit;
using MeshConsole.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

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
    public async Task Render_TargetInTheAddress_ListsOnlyThatTarget()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"a"}""");
        await WriteAsync(ConfigKind.Service, "payments", """{"owner":"b"}""");

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("target", "payments"));

        var page = Render<HistoryPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));
        Assert.Contains("payments", page.Find("tbody tr").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_FiltersMatchNothing_SaysToClearOne()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"a"}""");

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("actor", "mallory"));

        var page = Render<HistoryPage>();

        page.WaitForAssertion(() => Assert.Contains("No revision matches", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExportConfig_Yaml_DownloadsTheWholeConfigurationNamedByRevision()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"a"}""");
        var download = JSInterop.SetupVoid("meshConsole.download", _ => true);
        var page = Render<HistoryPage>();

        await page.Find("[data-testid=export-config-yaml]").ClickAsync(new());

        var call = Assert.Single(download.Invocations);
        Assert.Equal("mesh-config-r1.yaml", call.Arguments[0]);
        Assert.Equal("application/yaml", call.Arguments[1]);
    }

    [Fact]
    public async Task RevisionPage_Update_ShowsTheChangedLineSideBySide()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"a"}""");
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"b"}""", version: 1);

        var page = Render<RevisionPage>(p => p.Add(x => x.Number, 2L));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=revision-diff] .mesh-diff-modified").Count));
        var changed = page.FindAll("[data-testid=revision-diff] .mesh-diff-modified");
        Assert.Contains("\"owner\": \"a\"", changed[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("\"owner\": \"b\"", changed[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void RevisionPage_Unknown_SaysItDoesNotExist()
    {
        var page = Render<RevisionPage>(p => p.Add(x => x.Number, 42L));

        page.WaitForAssertion(() => Assert.Contains("Revision 42 does not exist", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevisionPage_Viewer_NoRevertButton()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"a"}""");

        var page = Render<RevisionPage>(p => p.Add(x => x.Number, 1L));

        page.WaitForAssertion(() => Assert.Contains("Revision 1", page.Markup, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=revert-open]"));
    }

    [Fact]
    public async Task RevisionPage_OperatorRevertsWithReason_NewRevisionAndGoesThere()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"a"}""");
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"b"}""", version: 1);
        AsOperator();
        var page = Render<RevisionPage>(p => p.Add(x => x.Number, 2L));
        page.WaitForElement("[data-testid=revert-open]").Click();

        page.WaitForElement("[data-testid=revert-panel]");
        Assert.Contains("\"owner\": \"a\"", page.Find("[data-testid=revert-diff]").TextContent, StringComparison.Ordinal);
        page.Find("input[data-testid=revert-reason]").Change("owner b was a typo");
        page.Find("[data-testid=revert-confirm]").Click();

        page.WaitForAssertion(() => Assert.EndsWith("/history/3", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal));
        var revision = await Services.GetRequiredService<StoreAccess>().ReadAsync(s => s.GetRevisionAsync(3));
        Assert.Equal(2, revision!.RevertOf);
        Assert.Equal("owner b was a typo", revision.Reason);
        Assert.Equal("alice", revision.Actor);
    }

    [Fact]
    public async Task RevisionPage_RevertWithoutReason_FieldErrorAndNothingWritten()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"a"}""");
        AsOperator();
        var page = Render<RevisionPage>(p => p.Add(x => x.Number, 1L));
        page.WaitForElement("[data-testid=revert-open]").Click();

        page.WaitForElement("[data-testid=revert-confirm]").Click();

        page.WaitForAssertion(() => Assert.Contains("required: say why", page.Find("[data-testid=revert-panel]").TextContent, StringComparison.Ordinal));
        Assert.Null(await Services.GetRequiredService<StoreAccess>().ReadAsync(s => s.GetRevisionAsync(2)));
    }

    [Fact]
    public async Task RevisionPage_RevertAfterLaterChanges_ShowsThemThenRevertAnywayForces()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"a"}""");
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"b"}""", version: 1);
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"c"}""", version: 2);
        AsOperator();
        var page = Render<RevisionPage>(p => p.Add(x => x.Number, 2L));
        page.WaitForElement("[data-testid=revert-open]").Click();
        page.WaitForElement("input[data-testid=revert-reason]").Change("back to a");

        page.Find("[data-testid=revert-confirm]").Click();

        page.WaitForAssertion(() => Assert.Contains("changed after revision 2", page.Find("[data-testid=revert-refusal]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Revert anyway", page.Find("[data-testid=revert-confirm]").TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=revert-confirm]").Click();
        page.WaitForAssertion(() => Assert.EndsWith("/history/4", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevisionPage_ExportJson_DownloadsTheRevision()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"a"}""");
        var download = JSInterop.SetupVoid("meshConsole.download", _ => true);
        var page = Render<RevisionPage>(p => p.Add(x => x.Number, 1L));

        await page.WaitForElement("[data-testid=export-json]").ClickAsync(new());

        var call = Assert.Single(download.Invocations);
        Assert.Equal("mesh-revision-1.json", call.Arguments[0]);
    }

    private void AsOperator()
    {
        Authorization.SetRoles(MeshPolicies.Operator);
        Authorization.SetPolicies(MeshPolicies.Viewer, MeshPolicies.Operator);
    }
}
