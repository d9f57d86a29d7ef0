using Bunit;
using Mesh.Policy.Documents;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.Data;
using MeshConsole.Experiments;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Experiments;

public sealed class ExperimentPagesTests : PageTestContext
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

    private ExperimentService Experiments => Services.GetRequiredService<ExperimentService>();

    [Fact]
    public void List_NoExperiment_SaysWhatToDo()
    {
        AddExperiments();

        var page = Render<ExperimentsPage>();

        page.WaitForAssertion(() => Assert.Contains("No experiments yet", page.Markup, StringComparison.Ordinal));
        Assert.Contains("POST /api/experiments", page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=new-experiment]"));
    }

    [Fact]
    public async Task List_RunningFirstWithStateChips_NewButtonForOperators()
    {
        AddExperiments();
        ActAsOperator();
        var first = await StartAsync("first");
        await Experiments.StopAsync(Operator, first.Id);
        var second = await StartAsync("second");

        var page = Render<ExperimentsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        var states = page.FindAll("[data-testid=experiment-state]").Select(c => c.GetAttribute("data-state")).ToList();
        Assert.Equal(["running", "stopped"], states);
        Assert.Contains("second", page.FindAll("tbody tr")[0].TextContent, StringComparison.Ordinal);
        Assert.Single(page.FindAll("[data-testid=new-experiment]"));
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public void NewPage_Viewer_ToldItNeedsTheOperatorRole()
    {
        AddExperiments();

        var page = Render<NewExperimentPage>();

        Assert.NotNull(page.Find("[data-testid=operator-only]"));
        Assert.Empty(page.FindAll("form"));
    }

    [Fact]
    public async Task NewPage_SubmitWithBadFields_ServerErrorsOnEachField_NothingStarted()
    {
        AddExperiments();
        ActAsOperator();
        var page = Render<NewExperimentPage>();

        page.Find("#exp-target").Input("Payments!");
        page.Find("#exp-abort-http").Input("200");
        page.Find("#exp-abort-percent").Input("100");
        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=form-error]")));
        Assert.Contains("required: name the experiment", page.Markup, StringComparison.Ordinal);
        Assert.Contains("is not a DNS label", page.Markup, StringComparison.Ordinal);
        Assert.Contains("200 is outside 400–599", page.Markup, StringComparison.Ordinal);
        Assert.Contains("required: say why, for the history", page.Markup, StringComparison.Ordinal);
        Assert.True(page.FindAll(".mud-input-error").Count >= 3);
        Assert.Empty(await Experiments.ListAsync());
    }

    [Fact]
    public async Task NewPage_ValidSubmit_StartsAndOpensTheExperiment()
    {
        AddExperiments();
        ActAsOperator();
        await WriteAsync(ConfigKind.Service, "payments", """{"owner":"team"}""");
        var page = Render<NewExperimentPage>();

        page.Find("#exp-name").Input("payments down");
        page.Find("#exp-target").Input("payments");
        page.Find("#exp-abort-http").Input("503");
        page.Find("#exp-abort-percent").Input("100");
        page.Find("#exp-cond-source").Input("orders");
        page.Find("#exp-cond-destination").Input("payments");
        page.Find("#exp-cond-percent").Input("20");
        page.Find("#exp-cond-seconds").Input("10");
        page.Find("#exp-reason").Input("game day");
        await page.Find("form").SubmitAsync();

        var started = Assert.Single(await Experiments.ListAsync());
        Assert.Equal(20, started.ConditionErrorPercent);
        Assert.EndsWith($"/experiments/{started.Id}", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetailPage_Running_ProgressThenStopWithConfirmation_ShowsTheResult()
    {
        AddExperiments();
        ActAsOperator();
        var started = await StartAsync("payments down");
        _clock.Advance(TimeSpan.FromSeconds(150));

        var page = Render<ExperimentPage>(p => p.Add(x => x.Id, started.Id));

        page.WaitForAssertion(() => Assert.Equal("50", page.Find("[data-testid=experiment-progress]").GetAttribute("data-progress")));
        Assert.Contains("error % on orders→payments above 20 for 10 s", page.Find("[data-testid=experiment-condition]").TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=stop-experiment]").Click();
        page.Find("[data-testid=confirm-stop]").Click();

        page.WaitForAssertion(() => Assert.Equal("stopped", page.Find("[data-testid=experiment-state]").GetAttribute("data-state")));
        Assert.Contains("stopped by alice", page.Find("[data-testid=experiment-end]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=phase-during]"));
        Assert.Contains("filled in once as long again has passed", page.Find("[data-testid=phase-after]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=stop-experiment]"));
    }

    [Fact]
    public async Task DetailPage_Viewer_NoStopButton()
    {
        AddExperiments();
        var started = await StartAsync("payments down");
        Authorization.SetPolicies(MeshPolicies.Viewer);

        var page = Render<ExperimentPage>(p => p.Add(x => x.Id, started.Id));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=experiment-progress]")));
        Assert.Empty(page.FindAll("[data-testid=stop-experiment]"));
    }

    [Fact]
    public async Task DetailPage_Running_ChartsTheConditionsEdge()
    {
        AddExperiments();
        var started = await StartAsync("payments down");
        var aggregator = Services.GetRequiredService<TopologyAggregator>();
        _clock.Advance(TimeSpan.FromSeconds(15));
        aggregator.Record(Observation.Single(new EdgeKey("orders", "payments", "http"), _clock.GetUtcNow().AddSeconds(-12), TimeSpan.FromMilliseconds(4), true, false));
        aggregator.Record(Observation.Single(new EdgeKey("orders", "payments", "http"), _clock.GetUtcNow().AddSeconds(-1), TimeSpan.FromMilliseconds(8), false, false));

        var page = Render<ExperimentPage>(p => p.Add(x => x.Id, started.Id));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=chart-errors]")));
        Assert.NotNull(page.Find("[data-testid=chart-latency]"));
    }

    [Fact]
    public async Task DetailPage_Disposed_LeavesTheFeedAndStopsRefreshing()
    {
        AddExperiments();
        var started = await StartAsync("payments down");
        var feed = Services.GetRequiredService<ExperimentFeed>();
        var page = Render<ExperimentPage>(p => p.Add(x => x.Id, started.Id));
        page.WaitForAssertion(() => Assert.Equal(1, feed.Subscribers));

        await DisposeComponentsAsync();

        Assert.Equal(0, feed.Subscribers);
    }

    [Fact]
    public void DetailPage_Unknown_SaysItDoesNotExist()
    {
        AddExperiments();

        var page = Render<ExperimentPage>(p => p.Add(x => x.Id, 42L));

        page.WaitForAssertion(() => Assert.Contains("Experiment 42 does not exist", page.Markup, StringComparison.Ordinal));
    }

    private static System.Security.Claims.ClaimsPrincipal Operator => ExperimentReplica.User("alice", MeshPolicies.Operator);

    private void ActAsOperator()
    {
        Authorization.SetRoles(MeshPolicies.Operator);
        Authorization.SetPolicies(MeshPolicies.Viewer, MeshPolicies.Operator);
    }

    private async Task<Experiment> StartAsync(string name)
    {
        if (await Services.GetRequiredService<StoreAccess>().ReadAsync(s => s.GetAsync(ConfigKind.Service, "payments")) is null)
            await WriteAsync(ConfigKind.Service, "payments", """{"owner":"team"}""");
        // Starting needs an operator: the page under test may then be rendered for someone else.
        Authorization.SetPolicies(MeshPolicies.Viewer, MeshPolicies.Operator);
        var outcome = await Experiments.StartAsync(Operator, ExperimentRequestValidatorTests.Valid with { Name = name });
        Assert.True(outcome.Succeeded, outcome.Message);
        return outcome.Experiment!;
    }

    // On top of the base context's store and ConfigWriter: the experiments' parts, on a fake clock.
    private void AddExperiments()
    {
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton(new ConfigDocuments(_clock));
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Services.AddScoped<ExperimentStore>();
        Services.AddSingleton(new TopologyAggregator(_clock));
        Services.AddSingleton<FigureReader>();
        Services.AddSingleton<ExperimentFeed>();
        Services.AddSingleton<ExperimentFaultWriter>();
        Services.AddSingleton<ExperimentService>();
    }
}
