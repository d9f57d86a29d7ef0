using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Mesh.Demo.Tests;

/// <summary>One shop instance run as <c>Mesh.Demo serve</c> would run it in its container, called over real HTTP.</summary>
public sealed class ServeModeTests : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers = LoggerFactory.Create(_ => { });
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(2));
    private readonly List<Task<int>> _running = [];
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Serve_Inventory_AnswersAsItsShopInstance()
    {
        var port = FreePort();
        _ = Serve("--service", "inventory", "--port", $"{port}");

        var body = await GetWhenListeningAsync(port);

        Assert.Equal("inventory", body.GetProperty("service").GetString());
        Assert.Equal("v1", body.GetProperty("version").GetString());
        Assert.Empty(body.GetProperty("downstream").EnumerateObject());
    }

    [Fact]
    public async Task Serve_Orders_CallsEachDependencyThroughTheOutboundAddress()
    {
        // Where the sidecar's outbound listener would be, another shop instance answers every call.
        var inventory = FreePort();
        _ = Serve("--service", "inventory", "--port", $"{inventory}");
        await GetWhenListeningAsync(inventory);
        var orders = FreePort();
        _ = Serve("--service", "orders", "--version", "v1", "--port", $"{orders}", "--outbound", $"http://127.0.0.1:{inventory}/");

        var body = await GetWhenListeningAsync(orders);

        Assert.Equal("orders", body.GetProperty("service").GetString());
        var downstream = body.GetProperty("downstream");
        Assert.Equal(["payments", "inventory"], downstream.EnumerateObject().Select(p => p.Name));
        foreach (var call in downstream.EnumerateObject())
            Assert.Equal("inventory", JsonDocument.Parse(call.Value.GetString()!).RootElement.GetProperty("service").GetString());
    }

    [Fact]
    public async Task Serve_Stopped_ExitsWithZero()
    {
        var port = FreePort();
        var run = Serve("--service", "catalog", "--port", $"{port}");
        await GetWhenListeningAsync(port);

        await _stop.CancelAsync();

        Assert.Equal(0, await run);
    }

    [Fact]
    public async Task Serve_PortTaken_ExitsWithOne()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var code = await Serve("--service", "catalog", "--port", $"{port}");

        Assert.Equal(1, code);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        _client.Dispose();
        _stop.Dispose();
        _loggers.Dispose();
    }

    private Task<int> Serve(params string[] args)
    {
        var run = DemoProgram.RunAsync(["serve", .. args], _ => null, _loggers, _stop.Token);
        _running.Add(run);
        return run;
    }

    /// <summary>GET / once the instance listens: at most 100 tries, 100 ms apart.</summary>
    private async Task<JsonElement> GetWhenListeningAsync(int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var text = await _client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"), _stop.Token);
                return JsonDocument.Parse(text).RootElement;
            }
            catch (HttpRequestException) when (attempt < 100)
            {
                await Task.Delay(100, _stop.Token);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
