using System.Reflection;
using Bunit;
using Mesh.Contracts.V1;
using Mesh.Store;
using MeshConsole.ControlPlane;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MeshConsole.Tests.ControlPlane;

public sealed class SidecarsPageTests : PageTestContext
{
    private SidecarRegistry Registry => Services.GetRequiredService<SidecarRegistry>();

    [Fact]
    public void Render_NoSidecars_SaysHowToStartOne()
    {
        AddControlPlane();

        var page = Render<SidecarsPage>();

        Assert.Contains("No sidecars connected", page.Markup, StringComparison.Ordinal);
        Assert.Contains("src/MeshSidecar", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SidecarConnects_PageRedrawsWithItsRowWithinTheThrottle()
    {
        AddControlPlane();
        var page = Render<SidecarsPage>();

        await Registry.ConnectAsync(new Hello { Service = "orders", InstanceId = "orders-1", Address = "127.0.0.1", InboundPort = 15006, Labels = { ["version"] = "v2" } });

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=sidecars-table] tbody tr")), TimeSpan.FromSeconds(5));
        var row = page.Find("[data-testid=sidecars-table] tbody tr").TextContent;
        Assert.Contains("orders-1", row, StringComparison.Ordinal);
        Assert.Contains("version=v2", row, StringComparison.Ordinal);
        Assert.Contains("STALE", row, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_UnsubscribesFromRegistryAndPublisher()
    {
        AddControlPlane();
        var page = Render<SidecarsPage>();
        Assert.NotNull(EventHandlers(Registry, "StatusChanged"));

        page.Instance.Dispose();

        Assert.Null(EventHandlers(Registry, "StatusChanged"));
        Assert.Null(EventHandlers(Services.GetRequiredService<SnapshotPublisher>(), "Published"));
    }

    private void AddControlPlane()
    {
        Services.AddSingleton(Options.Create(new ControlPlaneOptions()));
        Services.AddSingleton<ConfigChangeFeed>();
        Services.AddSingleton<IHostApplicationLifetime>(new Microsoft.Extensions.Hosting.Internal.ApplicationLifetime(NullLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>.Instance));
        Services.AddSingleton<SidecarRegistry>();
        Services.AddSingleton(sp => new SnapshotPublisher(
            sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<SidecarRegistry>(),
            sp.GetRequiredService<ConfigChangeFeed>(), new MeshConsole.Identity.MeshIdentityReader(Options.Create(new MeshConsole.Identity.IdentityOptions()), TimeProvider.System), TimeProvider.System,
            sp.GetRequiredService<IOptions<ControlPlaneOptions>>(), NullLogger<SnapshotPublisher>.Instance));
    }

    private static Delegate? EventHandlers(object target, string name) =>
        (Delegate?)target.GetType().GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(target);
}
