using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;
using MeshSidecar;
using MeshSidecar.Configuration;

namespace Mesh.Integration.Tests;

/// <summary>
/// A small live mesh on loopback: the console, an app "orders" in v1 and v2 each behind its own
/// sidecar, and a "frontend" sidecar that callers send their requests to.
/// </summary>
public sealed class MeshFixture : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _parts = [];
    private readonly Dictionary<SidecarOptions, SidecarHost> _sidecars = [];
    private TestDatabase _database = null!;

    public KestrelConsole Console { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public SidecarOptions Frontend { get; private set; } = null!;

    public SidecarOptions OrdersV1 { get; private set; } = null!;

    public SidecarOptions OrdersV2 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        Console = new KestrelConsole(_database, new Dictionary<string, string>
        {
            ["Mesh:ControlPlane:PushDebounce"] = "00:00:00.020",
        });
        Console.StartServer();
        Api = Console.CreateHttpClient();

        var v1 = await StartAsync(await EchoApp.StartAsync("orders-v1"));
        var v2 = await StartAsync(await EchoApp.StartAsync("orders-v2"));
        OrdersV1 = await StartSidecarAsync("orders", v1.Port, "v1");
        OrdersV2 = await StartSidecarAsync("orders", v2.Port, "v2");
        Frontend = await StartSidecarAsync("frontend", KestrelConsole.FreePort(), "v1");
        await WaitForAsync(Frontend, config => Endpoints(config, "orders") == 2);
    }

    /// <summary>Stops the console as a crash would leave the sidecars: without a goodbye.</summary>
    public async Task StopConsoleAsync()
    {
        Api.Dispose();
        await Console.DisposeAsync();
    }

    /// <summary>Starts a console again on the same addresses and store.</summary>
    public void RestartConsole()
    {
        Console = new KestrelConsole(_database, Console.Settings, Console.HttpAddress, Console.ControlPlaneAddress);
        Console.StartServer();
        Api = Console.CreateHttpClient();
    }

    /// <summary>Stops a sidecar started by this fixture.</summary>
    public async Task StopSidecarAsync(SidecarOptions options)
    {
        var host = _sidecars[options];
        _parts.Remove(host);
        _sidecars.Remove(options);
        await host.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        for (var i = _parts.Count - 1; i >= 0; i--)
            await _parts[i].DisposeAsync();
        Api.Dispose();
        await Console.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>What a sidecar of this console is given to verify it: the CA file the console wrote (null for an h2c console).</summary>
    public static ControlPlaneCa? TrustOf(KestrelConsole console) =>
        console.MeshTls ? new ControlPlaneCa(console.CaFile, console.ReadCa()) : null;

    public static HttpClient Client(SidecarOptions sidecar) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{sidecar.OutboundPort}/"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Polls the console's live topology (last minute) until the edge satisfies the predicate; bounded to 15 s.</summary>
    public static async Task<JsonElement> EdgeAsync(HttpClient api, string source, string destination, Func<JsonElement, bool> until)
    {
        ArgumentNullException.ThrowIfNull(api);
        JsonElement? last = null;
        for (var attempt = 0; attempt < 75; attempt++)
        {
            var topology = JsonDocument.Parse(await api.GetStringAsync("api/topology?window=1m")).RootElement.Clone();
            last = topology.GetProperty("edges").EnumerateArray()
                .Where(e => e.GetProperty("source").GetString() == source && e.GetProperty("destination").GetString() == destination)
                .Select(e => (JsonElement?)e)
                .FirstOrDefault();
            if (last is { } edge && until(edge))
                return edge;
            await Task.Delay(200);
        }

        throw new TimeoutException($"edge {source} -> {destination} never got there; last: {last}");
    }

    /// <summary>Polls a sidecar's /config until it satisfies the predicate; bounded to 15 s.</summary>
    public static Task<JsonElement> WaitForAsync(SidecarOptions sidecar, Func<JsonElement, bool> predicate) =>
        SidecarConfig.WaitForAsync(sidecar.AdminPort, sidecar.EffectiveInstanceId, predicate);

    public static int Endpoints(JsonElement config, string service) =>
        config.TryGetProperty("services", out var services)
            ? services.EnumerateArray()
                .Where(s => s.GetProperty("name").GetString() == service)
                .SelectMany(s => s.TryGetProperty("endpoints", out var e) ? e.EnumerateArray() : Enumerable.Empty<JsonElement>())
                .Count(e => e.TryGetProperty("healthy", out var h) && h.GetBoolean())
            : 0;

    public static long Revision(JsonElement config) =>
        config.TryGetProperty("revision", out var revision) ? long.Parse(revision.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : 0;

    public Task<SidecarOptions> StartSidecarAsync(string service, int appPort, string version, string? stateDirectory = null) =>
        StartSidecarAsync(service, appPort, new Dictionary<string, string> { ["version"] = version }, stateDirectory);

    /// <summary>
    /// Starts an app per label set (<c>"version=v1,zone=a"</c>), each behind its own sidecar of
    /// <paramref name="service"/>, and waits until the caller (<see cref="Frontend"/>) knows them all.
    /// </summary>
    public async Task<IReadOnlyList<(EchoApp App, SidecarOptions Sidecar)>> StartServiceAsync(string service, params string[] labelSets)
    {
        var instances = new List<(EchoApp, SidecarOptions)>();
        for (var i = 0; i < labelSets.Length; i++)
        {
            var labels = labelSets[i].Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(pair => pair.Split('='))
                .ToDictionary(pair => pair[0], pair => pair[1]);
            var app = await StartAsync(await EchoApp.StartAsync($"{service}-{i}"));
            instances.Add((app, await StartSidecarAsync(service, app.Port, labels)));
        }

        await WaitForAsync(Frontend, config => Endpoints(config, service) == labelSets.Length);
        return instances;
    }

    /// <summary>Waits until every given sidecar applied at least this revision.</summary>
    public static async Task WaitForRevisionAsync(long revision, params SidecarOptions[] sidecars)
    {
        foreach (var sidecar in sidecars)
            await WaitForAsync(sidecar, config => Revision(config) >= revision);
    }

    public async Task<SidecarOptions> StartSidecarAsync(string service, int appPort, IReadOnlyDictionary<string, string> labels, string? stateDirectory = null)
    {
        var options = await StartSidecarAsync(new SidecarOptions
        {
            Service = service,
            AppPort = appPort,
            ControlPlane = Console.ControlPlaneAddress,
            ControlPlaneCa = TrustOf(Console),
            JoinToken = KestrelConsole.JoinToken,
            Labels = labels,
            OutboundPort = KestrelConsole.FreePort(),
            InboundPort = KestrelConsole.FreePort(),
            AdminPort = KestrelConsole.FreePort(),
            StateDirectory = stateDirectory ?? Directory.CreateTempSubdirectory("mesh-sidecar-").FullName,
        });
        return options;
    }

    /// <summary>Starts a sidecar with exactly these options (e.g. again after a stop, same ports and state).</summary>
    public async Task<SidecarOptions> StartSidecarAsync(SidecarOptions options)
    {
        var host = SidecarHost.Create(options, logging => logging.ClearProviders());
        await host.StartAsync();
        _sidecars[options] = host;
        await StartAsync(host);
        return options;
    }

    /// <summary>Stops <paramref name="part"/> with the fixture.</summary>
    public void Adopt(IAsyncDisposable part) => _parts.Add(part);

    private async Task<T> StartAsync<T>(T part)
        where T : IAsyncDisposable
    {
        _parts.Add(part);
        await Task.CompletedTask;
        return part;
    }
}
