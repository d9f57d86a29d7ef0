using AngleSharp.Dom;
using Bunit;
using Mesh.Policy.Documents;
using Mesh.Store;
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

namespace MeshConsole.Tests.Policies.Rollouts;

/// <summary>The rollout panel on the routes page, over a real store and the real manager.</summary>
public sealed class RolloutPanelTests : PageTestContext
{
    private const string Routes = """
        {"subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"}}],
         "rules":[{"destinations":[{"subset":"v1","weight":100}]}]}
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 10, 0, 5, TimeSpan.Zero));

    [Fact]
    public async Task Start_FromTheForm_FirstStepWritten_PanelAndPageShowIt()
    {
        var page = await RenderAsync(MeshPolicies.Operator);

        Input(page, "rollout-steps-input").Input("10, 50, 100");
        Input(page, "rollout-reason").Input("ship v2");
        page.Find("[data-testid=rollout-form]").Submit();

        page.WaitForAssertion(() => Assert.Equal("running", page.Find("[data-testid=rollout-state]").TextContent));
        Assert.Equal("step", page.Find("[data-testid=rollout-step-0]").GetAttribute("aria-current"));
        Assert.Equal(3, page.FindAll("[data-testid^=rollout-step-]").Count);
        Assert.Contains("v2 at 10 %", page.Find("[data-testid=rollout-message]").TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Contains("version 2", page.Find("[data-testid=routes-version]").TextContent, StringComparison.Ordinal));
        Assert.Equal("10 %", page.Find("[data-testid=desired-v2]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=rollout-form]"));
    }

    [Fact]
    public async Task Start_StepsNotNumbers_ErrorOnTheStepsField_NothingStarted()
    {
        var page = await RenderAsync(MeshPolicies.Operator);

        Input(page, "rollout-steps-input").Input("5, ten");
        Input(page, "rollout-reason").Input("r");
        page.Find("[data-testid=rollout-form]").Submit();

        Assert.Contains("\"ten\" is not a whole percent", page.Find("[data-testid=rollout-form]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=rollout-none]"));
    }

    [Fact]
    public async Task Start_NoReasonAndStepsGoingDown_ServerErrorsOnTheirFields()
    {
        var page = await RenderAsync(MeshPolicies.Operator);

        Input(page, "rollout-steps-input").Input("50, 10");
        page.Find("[data-testid=rollout-form]").Submit();

        page.WaitForAssertion(() => Assert.Contains("required: say why", page.Find("[data-testid=rollout-form]").TextContent, StringComparison.Ordinal));
        Assert.Contains("does not grow", page.Find("[data-testid=rollout-form]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseResumeAbort_StateFollows_AbortSendsAllToStable()
    {
        var page = await RenderAsync(MeshPolicies.Operator);
        Input(page, "rollout-reason").Input("ship v2");
        page.Find("[data-testid=rollout-form]").Submit();
        page.WaitForAssertion(() => page.Find("[data-testid=rollout-pause]"));

        page.Find("[data-testid=rollout-pause]").Click();
        page.WaitForAssertion(() => Assert.Equal("paused", page.Find("[data-testid=rollout-state]").TextContent));
        page.Find("[data-testid=rollout-resume]").Click();
        page.WaitForAssertion(() => Assert.Equal("running", page.Find("[data-testid=rollout-state]").TextContent));
        page.Find("[data-testid=rollout-abort]").Click();

        page.WaitForAssertion(() => Assert.Equal("aborted", page.Find("[data-testid=rollout-state]").TextContent));
        page.WaitForAssertion(() => Assert.Equal("100 %", page.Find("[data-testid=desired-v1]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=rollout-abort]"));
        Assert.NotNull(page.Find("[data-testid=rollout-form]"));
    }

    [Fact]
    public async Task Viewer_SeesTheRollout_NoFormNoButtons()
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"team"}""");
        await WriteAsync(ConfigKind.Routes, "orders", Routes);
        AddServices();
        var manager = Services.GetRequiredService<RolloutManager>();
        Authorization.SetRoles(MeshPolicies.Operator);
        Authorization.SetPolicies(MeshPolicies.Viewer, MeshPolicies.Operator);
        var operatorUser = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "bob")], "test"));
        Assert.True((await manager.StartAsync(operatorUser, "orders", new RolloutRequest { Canary = "v2", Stable = "v1", Reason = "r" })).Succeeded);
        Authorization.SetRoles(MeshPolicies.Viewer);
        Authorization.SetPolicies(MeshPolicies.Viewer);

        var page = Render<RoutesPage>(p => p.Add(x => x.Name, "orders"));

        page.WaitForAssertion(() => Assert.Equal("running", page.Find("[data-testid=rollout-state]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=rollout-form]"));
        Assert.Empty(page.FindAll("[data-testid=rollout-pause]"));
        Assert.Empty(page.FindAll("[data-testid=rollout-abort]"));
    }

    [Fact]
    public async Task Dispose_StopsReadingTheRollout()
    {
        var page = await RenderAsync(MeshPolicies.Operator);
        var panel = page.FindComponent<RolloutPanel>();
        await panel.Instance.DisposeAsync();
        var renders = panel.RenderCount;

        _time.Advance(RolloutPanel.RefreshEvery * 3);

        Assert.Equal(renders, panel.RenderCount);
    }

    [Fact]
    public async Task Tick_RolloutStartedElsewhere_PanelShowsItWithoutReload()
    {
        var page = await RenderAsync(MeshPolicies.Viewer);
        var operatorUser = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "bob")], "test"));
        Authorization.SetPolicies(MeshPolicies.Viewer, MeshPolicies.Operator);
        Assert.True((await Services.GetRequiredService<RolloutManager>().StartAsync(operatorUser, "orders", new RolloutRequest { Canary = "v2", Stable = "v1", Reason = "r" })).Succeeded);

        _time.Advance(RolloutPanel.RefreshEvery);

        page.WaitForAssertion(() => Assert.Equal("running", page.Find("[data-testid=rollout-state]").TextContent));
        page.WaitForAssertion(() => Assert.Equal("5 %", page.Find("[data-testid=desired-v2]").TextContent));
    }

    [Theory]
    [InlineData("5, 25, 50, 100", new[] { 5, 25, 50, 100 })]
    [InlineData("5 → 25 → 100 %", new[] { 5, 25, 100 })]
    [InlineData("", new int[0])]
    public void ParseSteps_CommasSpacesArrows(string text, int[] expected)
    {
        var (steps, error) = RolloutPanel.ParseSteps(text);

        Assert.Null(error);
        Assert.Equal(expected, steps);
    }

    private async Task<IRenderedComponent<RoutesPage>> RenderAsync(string role)
    {
        await WriteAsync(ConfigKind.Service, "orders", """{"owner":"team"}""");
        await WriteAsync(ConfigKind.Routes, "orders", Routes);
        AddServices();
        Authorization.SetRoles(role);
        Authorization.SetPolicies(role == MeshPolicies.Operator ? [MeshPolicies.Viewer, MeshPolicies.Operator] : [MeshPolicies.Viewer]);
        var page = Render<RoutesPage>(p => p.Add(x => x.Name, "orders"));
        page.WaitForAssertion(() => page.Find("[data-testid=rollout-panel]"));
        return page;
    }

    private void AddServices()
    {
        Services.AddSingleton<TimeProvider>(_time);
        Services.AddSingleton(new SubsetAggregator(_time));
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

    private static IElement Input(IRenderedComponent<RoutesPage> page, string testId)
    {
        var marked = page.Find($"[data-testid={testId}]");
        return marked.TagName == "INPUT" ? marked : marked.QuerySelector("input") ?? throw new InvalidOperationException($"no input in {testId}");
    }
}
