using System.Reflection;
using Bunit;
using Mesh.Store;
using MeshConsole.ControlPlane;
using MeshConsole.Telemetry;
using MeshConsole.Telemetry.Aggregation;
using MeshConsole.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Topology;

public sealed class TopologyPageTests : PageTestContext
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 5, TimeSpan.Zero));
    private TopologyAggregator _aggregator = null!;

    [Fact]
    public void Render_Traffic_DrawsEveryServiceAndEdge()
    {
        AddTopology();
        Record("frontend", "orders", calls: 30);
        Record("orders", "payments", calls: 10, errors: 5);

        var page = Render<TopologyPage>();

        Assert.Equal(["frontend", "orders", "payments"], page.FindAll("[data-service]").Select(e => e.GetAttribute("data-service")).Order());
        Assert.Equal("red", page.Find("[data-service=payments]").GetAttribute("data-health"));
        Assert.Equal("green", page.Find("[data-service=orders]").GetAttribute("data-health"));
        Assert.Equal("2", page.Find("[data-testid=topology-canvas]").GetAttribute("data-edges"));
    }

    [Fact]
    public void Prerender_DrawsNoDiagramAndReadsNothing()
    {
        AddTopology();
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));
        Record("frontend", "orders", calls: 30);

        var page = Render<TopologyPage>();

        Assert.Empty(page.FindAll("[data-service]"));
        Assert.Empty(page.FindAll(".diagram-canvas"));
    }

    [Fact]
    public void Render_NoTraffic_SaysWhereTelemetryComesFrom()
    {
        AddTopology();

        var page = Render<TopologyPage>();

        Assert.Contains("OTLP", page.Find("[data-testid=no-traffic]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Tick_NewService_RedrawsInPlace()
    {
        AddTopology();
        Record("frontend", "orders", calls: 30);
        var page = Render<TopologyPage>();
        var orders = page.Find("[data-service=orders]");

        Record("orders", "inventory", calls: 12, errors: 12);
        _time.Advance(TopologyPage.RefreshEvery);

        page.WaitForAssertion(() => Assert.Equal("red", page.Find("[data-service=inventory]").GetAttribute("data-health")), TimeSpan.FromSeconds(5));
        Assert.Equal("3", page.Find("[data-testid=topology-canvas]").GetAttribute("data-nodes"));
    }

    [Fact]
    public void Filter_HidesServicesThatDoNotMatch()
    {
        AddTopology();
        Record("frontend", "orders", calls: 30);
        Record("frontend", "catalog", calls: 30);
        var page = Render<TopologyPage>();

        page.Find("input[data-testid=filter], [data-testid=filter] input").Input("catal");
        // The field waits for typing to pause (its debounce runs on the injected clock).
        _time.Advance(TimeSpan.FromMilliseconds(300));

        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=topology-canvas]").GetAttribute("data-nodes")), TimeSpan.FromSeconds(5));
        Assert.Empty(page.FindAll("[data-service=orders]"));
    }

    [Fact]
    public void SelectNode_ShowsDetailsWithCharts()
    {
        AddTopology();
        Record("frontend", "orders", calls: 30);
        var page = Render<TopologyPage>();

        page.Find("[data-service=orders]").Closest(".diagram-node")!.PointerDown(new Microsoft.AspNetCore.Components.Web.PointerEventArgs { Button = 0 });

        page.WaitForAssertion(() => Assert.Contains("orders", page.Find("[data-testid=topology-details] h6").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.NotNull(page.Find("[data-testid=chart-rate]"));
        // 30 calls in the one second the aggregator has been running.
        Assert.Contains("30.0 rps", page.Find("[data-testid=topology-details]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_ShowsTheStoredMinutesInsteadOfLiveTraffic()
    {
        AddTopology();
        Record("frontend", "orders", calls: 30);
        // Two minutes ago, "orders" called "ledger": a minute the rollup writer stored.
        var minute = new DateTimeOffset(2026, 11, 25, 11, 58, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        await using (var db = Database.CreateContext())
        {
            await new RollupStore(db).WriteAsync(minute, "replica-a",
            [
                new Mesh.Store.Entities.TopologyRollup
                {
                    Minute = minute, Replica = "replica-a", Source = "orders", Destination = "ledger", Protocol = "http",
                    Requests = 120, Errors = 60, Denied = 0, Latencies = "[[8000,120]]",
                },
            ]);
        }
        var page = Render<TopologyPage>();

        page.Find("input[data-testid=replay], [data-testid=replay] input").Change(true);

        page.WaitForAssertion(() => Assert.Equal("red", page.Find("[data-service=ledger]").GetAttribute("data-health")), TimeSpan.FromSeconds(5));
        // The live calls into orders are not in the replayed window: it shows idle, its edge drawn grey.
        Assert.Equal("idle", page.Find("[data-service=orders]").GetAttribute("data-health"));
        Assert.Contains("Ending 11:59", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_StopsListeningToTheDiagram()
    {
        AddTopology();
        var page = Render<TopologyPage>();
        var diagram = ((TopologyGraph)typeof(TopologyPage).GetField("_graph", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(page.Instance)!).Diagram;
        Assert.True(Listens(diagram, page.Instance));

        await page.Instance.DisposeAsync();

        Assert.False(Listens(diagram, page.Instance));
    }

    private void AddTopology()
    {
        // The canvas asks the browser for its bounds; bunit has no layout, so answer as a 1200×800 canvas would.
        JSInterop.Setup<Blazor.Diagrams.Core.Geometry.Rectangle>("ZBlazorDiagrams.getBoundingClientRect", _ => true)
            .SetResult(new Blazor.Diagrams.Core.Geometry.Rectangle(0, 0, 1200, 800));
        _aggregator = new TopologyAggregator(_time);
        Services.AddSingleton<TimeProvider>(_time);
        Services.AddSingleton(_aggregator);
        Services.AddSingleton(new RecentSpans(_time));
        Services.AddScoped<RollupStore>();
        Services.AddSingleton(Options.Create(new TopologyOptions()));
        Services.AddSingleton<TopologyReader>();
        Services.AddSingleton(Options.Create(new ControlPlaneOptions()));
        Services.AddSingleton<ConfigChangeFeed>();
        Services.AddSingleton<IHostApplicationLifetime>(new Microsoft.Extensions.Hosting.Internal.ApplicationLifetime(NullLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>.Instance));
        Services.AddSingleton<SidecarRegistry>();
        Services.AddSingleton(sp => new SnapshotPublisher(
            sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<SidecarRegistry>(),
            sp.GetRequiredService<ConfigChangeFeed>(), new MeshConsole.Identity.MeshIdentityReader(Options.Create(new MeshConsole.Identity.IdentityOptions()), _time), _time,
            sp.GetRequiredService<IOptions<ControlPlaneOptions>>(), NullLogger<SnapshotPublisher>.Instance));
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    private void Record(string source, string destination, int calls, int errors = 0) =>
        Assert.True(_aggregator.Record(Observation.Many(
            new EdgeKey(source, destination, "http"), _time.GetUtcNow(), Enumerable.Repeat(TimeSpan.FromMilliseconds(8), calls).ToList(), errors, 0)));

    private static bool Listens(object diagram, TopologyPage page) =>
        Handlers(diagram, "SelectionChanged")?.GetInvocationList().Any(d => ReferenceEquals(d.Target, page)) ?? false;

    private static Delegate? Handlers(object target, string name)
    {
        for (var type = target.GetType(); type is not null; type = type.BaseType)
        {
            if (type.GetField(name, BindingFlags.Instance | BindingFlags.NonPublic) is { } field)
                return (Delegate?)field.GetValue(target);
        }
        throw new InvalidOperationException($"no event field {name}");
    }
}
