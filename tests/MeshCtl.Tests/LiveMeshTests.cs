using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Testing;
using MeshSidecar;
using MeshSidecar.Configuration;
using Microsoft.Extensions.Logging;

namespace MeshCtl.Tests;

/// <summary>
/// The issue's "done": meshctl apply of a YAML canary edits the live mesh (real sidecars apply the
/// revision) and appears in History with the token's name; top shows the calls the sidecars report.
/// </summary>
public sealed class LiveMeshTests(LiveMesh live) : IClassFixture<LiveMesh>
{
    private const string Canary = """
        # orders v2 takes 10 % of the calls; beta users always get v2.
        services:
          orders:
            service:
              owner: team-orders
            routes:
              subsets:
              - name: v1
                labels: {version: v1}
              - name: v2
                labels: {version: v2}
              rules:
              - match:
                  headers:
                    x-user-group: {exact: beta}
                destinations:
                - {subset: v2, weight: 100}
              - destinations:
                - {subset: v1, weight: 90}
                - {subset: v2, weight: 10}
        """;

    [Fact]
    public async Task ApplyYamlCanary_WithANamedOperatorToken_SidecarsApplyItAndHistoryNamesTheToken()
    {
        var token = await live.Console.CreateTokenAsync("ci-canary", "operator");
        using var ctl = new Ctl();
        var login = await ctl.RunAsync("login", "--server", live.Console.Server, "--token", token);
        Assert.True(login.Exit == 0, login.ToString());
        var file = ctl.WriteFile("canary.yaml", Canary);

        var applied = await ctl.RunAsync("apply", "-f", file, "--reason", "canary v2 at 10%");

        Assert.True(applied.Exit == 0, applied.ToString());
        Assert.Matches(@"(?m)^routes/orders: created \(revision \d+\)$", applied.Out);
        var routes = JsonNode.Parse(await live.Console.Api.GetStringAsync("api/revisions?target=orders&kind=routes"))!["items"]![0]!;
        Assert.Equal("token:ci-canary", routes["actor"]!.GetValue<string>());
        Assert.Equal("canary v2 at 10%", routes["reason"]!.GetValue<string>());
        var revision = routes["number"]!.GetValue<long>();

        // The live mesh: the caller's sidecar routes by the canary, and every sidecar reports the revision applied.
        var config = await WaitForConfigAsync(live.Frontend, c => Revision(c) >= revision);
        Assert.Contains("x-user-group", config.GetRawText(), StringComparison.Ordinal);
        await WaitForSidecarsAsync(revision);
        var table = await ctl.RunAsync("sidecars");
        Assert.True(table.Exit == 0, table.ToString());
        Assert.Matches($@"(?m)^orders\s+\S+\s+version=v2\s+{revision}\s+{revision}\s+synced$", table.Out);

        var history = await ctl.RunAsync("revisions", "list", "--actor", "token:ci-canary");
        Assert.Matches($@"(?m)^{revision}\s+.*token:ci-canary\s+routes\s+orders\s+create\s+canary v2 at 10%$", history.Out);

        // The same file again changes nothing and writes no revision.
        var latest = await live.Console.LatestRevisionAsync();
        var again = await ctl.RunAsync("apply", "-f", file, "--reason", "canary v2 at 10%");
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Contains("routes/orders: unchanged", again.Out, StringComparison.Ordinal);
        Assert.Contains("Nothing to change: no revision written", again.Out, StringComparison.Ordinal);
        Assert.Equal(latest, await live.Console.LatestRevisionAsync());
    }

    [Fact]
    public async Task TopCountOne_CallsThroughTheSidecars_TheEdgeWithItsFigures()
    {
        using var ctl = live.Console.Ctl();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{live.Frontend.OutboundPort}/") };
        await WaitForConfigAsync(live.Frontend, c => Endpoints(c, "orders") == 2);
        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "hello") { Headers = { { "X-Mesh-Service", "orders" } } };
            Assert.True((await client.SendAsync(request)).IsSuccessStatusCode);
        }

        // The frontend's sidecar exports its calls every 200 ms; the console serves them once ingested.
        var drawing = new CtlResult(-1, "", "");
        for (var attempt = 0; attempt < 100 && !drawing.Out.Contains("frontend", StringComparison.Ordinal); attempt++)
        {
            if (attempt > 0)
                await Task.Delay(200);
            drawing = await ctl.RunAsync("top", "--count", "1", "--window", "1m");
            Assert.True(drawing.Exit == 0, drawing.ToString());
        }

        Assert.Matches(@"(?m)^SOURCE\s+DESTINATION\s+PROTOCOL\s+RPS\s+ERROR %\s+P50 MS\s+P99 MS\s+CALLS$", drawing.Out);
        Assert.Matches(@"(?m)^frontend\s+orders\s+http\s+\d+\.\d\d\s+0\.0\s+\d+\.\d\s+\d+\.\d\s+\d+$", drawing.Out);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(drawing.Out, "window 1m"));
    }

    private async Task WaitForSidecarsAsync(long revision)
    {
        var last = new JsonArray();
        for (var attempt = 0; attempt < 150; attempt++)
        {
            var ours = new[] { live.Frontend, live.OrdersV1, live.OrdersV2 }.Select(s => s.EffectiveInstanceId).ToHashSet(StringComparer.Ordinal);
            last = new JsonArray(JsonNode.Parse(await live.Console.Api.GetStringAsync("api/sidecars"))!.AsArray()
                .Where(s => ours.Contains(s!["instanceId"]!.GetValue<string>())).Select(s => s!.DeepClone()).ToArray());
            // Synced: the sidecar acknowledged the latest snapshot, which also changes with the registry (endpoints), not only with revisions.
            if (last.Count == 3 && last.All(s => s!["appliedRevision"]!.GetValue<long>() >= revision && s["state"]!.GetValue<string>() == "synced"))
                return;
            await Task.Delay(100);
        }

        throw new TimeoutException($"the sidecars never reported revision {revision} applied and synced: {last.ToJsonString()}");
    }

    private static Task<JsonElement> WaitForConfigAsync(SidecarOptions sidecar, Func<JsonElement, bool> predicate) =>
        SidecarConfig.WaitForAsync(sidecar.AdminPort, sidecar.EffectiveInstanceId, predicate);

    private static long Revision(JsonElement config) =>
        config.TryGetProperty("revision", out var revision) ? long.Parse(revision.GetString()!, CultureInfo.InvariantCulture) : 0;

    private static int Endpoints(JsonElement config, string service) =>
        config.TryGetProperty("services", out var services)
            ? services.EnumerateArray()
                .Where(s => s.GetProperty("name").GetString() == service)
                .SelectMany(s => s.TryGetProperty("endpoints", out var e) ? e.EnumerateArray() : Enumerable.Empty<JsonElement>())
                .Count(e => e.TryGetProperty("healthy", out var h) && h.GetBoolean())
            : 0;
}

/// <summary>A console with orders v1 and v2 behind their sidecars and a frontend sidecar that exports its calls over OTLP.</summary>
public sealed class LiveMesh : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _parts = [];

    public ConsoleFixture Console { get; } = new();

    public SidecarOptions Frontend { get; private set; } = null!;

    public SidecarOptions OrdersV1 { get; private set; } = null!;

    public SidecarOptions OrdersV2 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Console.InitializeAsync();
        var v1 = await StartAsync(await NameApp.StartAsync("orders-v1"));
        var v2 = await StartAsync(await NameApp.StartAsync("orders-v2"));
        OrdersV1 = await StartSidecarAsync("orders", v1.Port, "v1", otlp: false);
        OrdersV2 = await StartSidecarAsync("orders", v2.Port, "v2", otlp: false);
        Frontend = await StartSidecarAsync("frontend", KestrelConsole.FreePort(), "v1", otlp: true);
    }

    public async Task DisposeAsync()
    {
        for (var i = _parts.Count - 1; i >= 0; i--)
            await _parts[i].DisposeAsync();
        await Console.DisposeAsync();
        foreach (var sidecar in new[] { Frontend, OrdersV1, OrdersV2 }.Where(s => s is not null))
            Directory.Delete(sidecar.StateDirectory, recursive: true);
    }

    private async Task<SidecarOptions> StartSidecarAsync(string service, int appPort, string version, bool otlp)
    {
        var options = new SidecarOptions
        {
            Service = service,
            AppPort = appPort,
            ControlPlane = Console.Console.ControlPlaneAddress,
            ControlPlaneCa = Console.Console.MeshTls ? new ControlPlaneCa(Console.Console.CaFile, Console.Console.ReadCa()) : null,
            JoinToken = KestrelConsole.JoinToken,
            Labels = new Dictionary<string, string> { ["version"] = version },
            OutboundPort = KestrelConsole.FreePort(),
            InboundPort = KestrelConsole.FreePort(),
            AdminPort = KestrelConsole.FreePort(),
            StateDirectory = Directory.CreateTempSubdirectory("meshctl-sidecar-").FullName,
            Otlp = otlp ? new OtlpExport(Console.Console.OtlpGrpcAddress, OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, TimeSpan.FromMilliseconds(200)) : null,
        };
        var host = SidecarHost.Create(options, logging => logging.ClearProviders());
        await host.StartAsync();
        await StartAsync(host);
        return options;
    }

    private Task<T> StartAsync<T>(T part)
        where T : IAsyncDisposable
    {
        _parts.Add(part);
        return Task.FromResult(part);
    }
}
