using Mesh.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MeshCtl.Tests;

/// <summary>An app behind a sidecar on its own loopback port that answers every request with its name.</summary>
public sealed class NameApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NameApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<NameApp> StartAsync(string name)
    {
        var port = KestrelConsole.FreePort();
        // No config file watcher, and not the console's appsettings.json that sits in this output folder.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync(name));
        await app.StartAsync();
        return new NameApp(app, port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
