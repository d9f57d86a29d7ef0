using Mesh.Store;
using Mesh.Testing;

namespace MeshCtl.Tests;

/// <summary>A console that fails (its store gone) is a failure, exit 1, with the status; nothing is printed as data.</summary>
public sealed class ServerErrorTests
{
    [Fact]
    public async Task StoreUnreachable_ConsoleAnswers500_Exit1NamingTheStatus()
    {
        await using var database = await TestDatabase.CreateAsync(StoreProviders.Postgres);
        await using var console = new KestrelConsole(database);
        console.StartServer();
        using var ctl = new Ctl(new Dictionary<string, string>
        {
            ["MESHCTL_SERVER"] = console.HttpAddress.ToString().TrimEnd('/'),
            ["MESHCTL_TOKEN"] = TestAccounts.ApiToken,
        });
        var healthy = await ctl.RunAsync("get", "services");
        Assert.True(healthy.Exit == 0, healthy.ToString());

        await database.RefuseConnectionsAsync();
        var result = await ctl.RunAsync("get", "services");

        Assert.True(result.Exit == 1, result.ToString());
        Assert.Contains("(500)", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }
}
