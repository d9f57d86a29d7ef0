using Mesh.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MeshConsole.Tests;

/// <summary>The whole console in memory, on a fresh real store of the given provider, with the test admin and API token.</summary>
public sealed class ConsoleFactory(TestDatabase database) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Mesh:Store", database.Options.Store);
        builder.UseSetting("Mesh:DataDirectory", database.Options.DataDirectory);
        builder.UseSetting("ConnectionStrings:Mesh", database.Options.ConnectionString ?? "");
        foreach (var (key, value) in TestAccounts.BootstrapSettings)
            builder.UseSetting(key, value);
    }

    /// <summary>Clients send the bootstrap admin API token unless a test removes it.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.Authenticate();
    }
}
