using AngleSharp.Dom;
using Bunit;
using Mesh.Policy.Documents;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.ControlPlane;
using MeshConsole.Data;
using MeshConsole.Observability;
using MeshConsole.Policies.Canary;
using MeshConsole.Policies.Rollouts;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Policies.Canary;

public sealed class RoutesPageTests : PageTestContext
{
    private const string Canary = """
        {"subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"}}],
         "rules":[{"name":"beta","match":{"headers":{"x-group":{"exact":"beta"}}},"destinations":[{"subset":"v2","weight":100}]},
                  {"destinations":[{"subset":"v1","weight":90},{"subset":"v2","weight":10}]}]}
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 10, 0, 5, TimeSpan.Zero));
    private readonly SubsetAggregator _subsets;

    public RoutesPageTests() => _subsets = new SubsetAggregator(_time);

    [Fact]
    public async Task MoveWeight_OtherDestinationRebalanced_SumStays100()
    {
        await SeedAsync();
        var page = RenderAs(MeshPolicies.Operator);

        Input(page, "weight-1-0").Change("70");

        Assert.Equal("30", Input(page, "weight-1-1").GetAttribute("value"));
        Assert.Equal("100", page.Find("[data-testid=weight-sum-1]").TextContent);
    }

    [Fact]
    public async Task MoveRuleDown_OrderChanges_AndPreviewShowsIt()
    {
        await SeedAsync();
        var page = RenderAs(MeshPolicies.Operator);

        page.Find("[data-testid=rule-down-0]").Click();

        Assert.Equal("", Input(page, "rule-name-0").GetAttribute("value") ?? "");
        Assert.Equal("beta", Input(page, "rule-name-1").GetAttribute("value"));
        Assert.True(page.Find("[data-testid=rule-down-1]").HasAttribute("disabled"));
        Preview(page);
        Assert.NotEmpty(page.FindAll("[data-testid=preview-diff] .mesh-diff-modified, [data-testid=preview-diff] .mesh-diff-added"));
    }

    [Fact]
    public async Task Preview_ChangedWeights_SideBySideDiffOfTheDocument()
    {
        await SeedAsync();
        var page = RenderAs(MeshPolicies.Operator);

        Input(page, "weight-1-0").Change("75");
        Preview(page);

        var diff = page.Find("[data-testid=preview-diff]");
        Assert.Contains("\"weight\": 90", string.Join("\n", diff.QuerySelectorAll(".mesh-diff-removed, .mesh-diff-modified").Select(e => e.TextContent)), StringComparison.Ordinal);
        Assert.Contains("\"weight\": 75", string.Join("\n", diff.QuerySelectorAll(".mesh-diff-added, .mesh-diff-modified").Select(e => e.TextContent)), StringComparison.Ordinal);
        Assert.Contains("version 1", diff.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_NoReason_ReasonFieldSaysWhy_NothingWritten()
    {
        await SeedAsync();
        var page = RenderAs(MeshPolicies.Operator);
        Input(page, "weight-1-0").Change("75");
        Preview(page);

        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Contains("required: say why", page.Markup, StringComparison.Ordinal));
        Assert.Equal(1, (await ReadRoutesAsync())!.Version);
    }

    [Fact]
    public async Task Save_WithReason_NewRevisionShown_AndStored()
    {
        await SeedAsync();
        var page = RenderAs(MeshPolicies.Operator);
        Input(page, "weight-1-0").Change("75");
        Input(page, "reason").Input("v2 to 25 %");
        Preview(page);

        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Equal("#3", page.Find("[data-testid=saved-revision]").TextContent));
        var stored = await ReadRoutesAsync();
        Assert.Equal(2, stored!.Version);
        Assert.Contains("\"weight\":25", stored.Spec, StringComparison.Ordinal);
        Assert.Equal("25 %", page.Find("[data-testid=desired-v2]").TextContent);
    }

    [Fact]
    public async Task Save_ServerRefusesAField_ErrorShownOnThatField()
    {
        await SeedAsync();
        var page = RenderAs(MeshPolicies.Operator);
        Input(page, "rule-name-0").Input("Not A Label");
        Input(page, "reason").Input("rename");
        Preview(page);

        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Contains("is not a DNS label", page.Find("[data-testid=rule-0]").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, (await ReadRoutesAsync())!.Version);
    }

    [Fact]
    public async Task Save_LabelsNotKeyValue_ErrorOnTheLabelsField_NotSent()
    {
        await SeedAsync();
        var page = RenderAs(MeshPolicies.Operator);
        Input(page, "subset-labels-1").Input("version");
        Input(page, "reason").Input("typo");

        Preview(page);

        Assert.Contains("\"version\" is not key=value", page.Find("[data-testid=subsets]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_SomeoneElseSavedMeanwhile_ConflictPanel_ReloadTakesTheirs()
    {
        await SeedAsync();
        var page = RenderAs(MeshPolicies.Operator);
        await WriteAsync(ConfigKind.Routes, "orders", Canary.Replace("\"weight\":90},{\"subset\":\"v2\",\"weight\":10}", "\"weight\":50},{\"subset\":\"v2\",\"weight\":50}", StringComparison.Ordinal), version: 1);
        Input(page, "weight-1-0").Change("80");
        Input(page, "reason").Input("mine");
        Preview(page);

        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=conflict]")));
        Assert.Contains("\"weight\": 50", page.Find("[data-testid=conflict-diff]").TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=conflict-reload]").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=conflict]")));
        Assert.Equal("50", Input(page, "weight-1-0").GetAttribute("value"));
    }

    [Fact]
    public async Task Save_Conflict_OverwriteWithMine_Saved()
    {
        await SeedAsync();
        var page = RenderAs(MeshPolicies.Operator);
        await WriteAsync(ConfigKind.Routes, "orders", Canary.Replace("\"name\":\"beta\",", "", StringComparison.Ordinal), version: 1);
        Input(page, "weight-1-0").Change("80");
        Input(page, "reason").Input("mine wins");
        Preview(page);
        page.Find("[data-testid=save]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=conflict]")));

        page.Find("[data-testid=conflict-overwrite]").Click();

        page.WaitForAssertion(() => Assert.Equal("#4", page.Find("[data-testid=saved-revision]").TextContent));
        Assert.Contains("\"weight\":80", (await ReadRoutesAsync())!.Spec, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Viewer_SeesThePolicyReadOnly_NoEditControls()
    {
        await SeedAsync();

        var page = RenderAs(MeshPolicies.Viewer);

        Assert.Contains("\"x-group\"", page.Find("[data-testid=read-only-policy]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=add-rule]"));
        Assert.Empty(page.FindAll("[data-testid=save-form]"));
        Assert.Empty(page.FindAll("input[type=range]"));
        Assert.NotNull(page.Find("[data-testid=observed-split]"));
    }

    [Fact]
    public async Task NoPolicy_ProposalsFromLiveInstances_AddOneMakesACatchAllRule()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"team"}""");
        await ConnectAsync("orders-1", "v1");
        await ConnectAsync("orders-2", "v2");
        var page = RenderAs(MeshPolicies.Operator);

        page.Find("[data-testid=subset-proposal-v1]").Click();
        page.Find("[data-testid=subset-proposal-v2]").Click();
        page.Find("[data-testid=destination-add-0-v2]").Click();

        Assert.Equal("version=v1", Input(page, "subset-labels-0").GetAttribute("value"));
        Assert.Equal("100", Input(page, "weight-0-0").GetAttribute("value"));
        Assert.Equal("0", Input(page, "weight-0-1").GetAttribute("value"));
        Assert.Empty(page.FindAll("[data-testid^=subset-proposal-]"));
    }

    [Fact]
    public async Task ObservedSplit_CallsPerSubset_ShownBesideDesired_AndRefreshed()
    {
        await SeedAsync();
        Record("v1", 90);
        Record("v2", 10);
        var page = RenderAs(MeshPolicies.Viewer);
        Assert.Equal("10.0 %", page.Find("[data-testid=observed-v2]").TextContent);
        Assert.Equal("10 %", page.Find("[data-testid=desired-v2]").TextContent);

        Record("v2", 100);
        _time.Advance(RoutesPage.RefreshEvery);

        page.WaitForAssertion(() => Assert.Equal("55.0 %", page.Find("[data-testid=observed-v2]").TextContent));
    }

    [Fact]
    public async Task Dispose_StopsRefreshing()
    {
        await SeedAsync();
        var page = RenderAs(MeshPolicies.Viewer);
        await page.Instance.DisposeAsync();
        var renders = page.RenderCount;

        Record("v2", 10);
        _time.Advance(RoutesPage.RefreshEvery * 3);

        Assert.Equal(renders, page.RenderCount);
    }

    [Fact]
    public void UnknownService_SaysHowToCreateIt()
    {
        AddEditor();

        var page = Render<RoutesPage>(p => p.Add(x => x.Name, "ghost"));

        page.WaitForAssertion(() => Assert.Contains("No service named ghost", page.Markup, StringComparison.Ordinal));
    }

    private async Task SeedAsync()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"team"}""");
        await WriteAsync(ConfigKind.Routes, "orders", Canary);
    }

    private IRenderedComponent<RoutesPage> RenderAs(string role)
    {
        AddEditor();
        Authorization.SetRoles(role);
        Authorization.SetPolicies(role == MeshPolicies.Operator ? [MeshPolicies.Viewer, MeshPolicies.Operator] : [MeshPolicies.Viewer]);
        var page = Render<RoutesPage>(p => p.Add(x => x.Name, "orders"));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-progress-linear-indeterminate")));
        return page;
    }

    private void AddEditor()
    {
        Services.AddSingleton<TimeProvider>(_time);
        Services.AddSingleton(_subsets);
        Services.AddMetrics();
        Services.AddSingleton<ConsoleMetrics>();
        Services.AddSingleton<ConfigWriter>();
        Services.AddSingleton(Options.Create(new ControlPlaneOptions()));
        Services.AddSingleton<IHostApplicationLifetime>(new Microsoft.Extensions.Hosting.Internal.ApplicationLifetime(NullLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>.Instance));
        Services.AddSingleton<SidecarRegistry>();
        Services.AddScoped<RolloutStore>();
        Services.AddSingleton<RolloutManager>();
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    private async Task ConnectAsync(string instance, string version)
    {
        await using var db = Database.CreateContext();
        await new InstanceStore(db).UpsertAsync(new SidecarInstance
        {
            InstanceId = instance,
            Service = "orders",
            Address = "10.0.0.1",
            Port = 15006,
            Labels = $$"""{"version":"{{version}}"}""",
            ConnectedAt = _time.GetUtcNow(),
            LastSeen = _time.GetUtcNow(),
            Connected = true,
        });
    }

    private async Task<ConfigObject?> ReadRoutesAsync()
    {
        await using var db = Database.CreateContext();
        return await new ConfigStore(db, new ConfigDocuments(TimeProvider.System), TimeProvider.System).GetAsync(ConfigKind.Routes, "orders");
    }

    private void Record(string subset, int calls) =>
        Assert.True(_subsets.Record(subset, Observation.Many(
            new EdgeKey("frontend", "orders", "http"), _time.GetUtcNow(), Enumerable.Repeat(TimeSpan.FromMilliseconds(5), calls).ToList(), 0, 0)));

    private static void Preview(IRenderedComponent<RoutesPage> page) => page.Find("[data-testid=save-form]").Submit();

    /// <summary>The input behind a MudBlazor field marked with <paramref name="testId"/> (the attribute may sit on the input or around it).</summary>
    private static IElement Input(IRenderedComponent<RoutesPage> page, string testId)
    {
        var marked = page.Find($"[data-testid={testId}]");
        return marked.TagName == "INPUT" ? marked : marked.QuerySelector("input") ?? throw new InvalidOperationException($"no input in {testId}");
    }
}
