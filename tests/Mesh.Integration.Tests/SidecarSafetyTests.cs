using System.Net;
using Grpc.Core;
using Mesh.Contracts.V1;
using Mesh.Testing;
using MeshSidecar;
using MeshSidecar.Configuration;

namespace Mesh.Integration.Tests;

/// <summary>
/// The sidecar keeps its own counsel: a fault ends at its expiry with the console down, and values
/// the console would never send are refused (NACKed) by the sidecar's own checks.
/// </summary>
public sealed class SidecarSafetyTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    [Fact]
    public async Task AbortFault_ExpiresOnTimeWhileTheConsoleIsDown()
    {
        await mesh.StartServiceAsync("expiring", "version=v1");
        await mesh.Api.PutAsync("api/services/expiring", """{"owner":"team","version":0}""");
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(4);
        var revision = await mesh.Api.PutAsync("api/services/expiring/faults", $$"""
            { "faults": [ { "name": "outage", "abort": { "httpStatus": 503, "percent": 100 },
                            "expiresAt": "{{expiresAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture)}}" } ], "version": 0 }
            """);
        await MeshFixture.WaitForRevisionAsync(revision, mesh.Frontend);
        using var client = MeshFixture.Client(mesh.Frontend);

        var during = await Load.SendOneAsync(client, Load.To("expiring", "hello"));
        await mesh.StopConsoleAsync();
        try
        {
            while (DateTimeOffset.UtcNow < expiresAt.AddMilliseconds(100))
                await Task.Delay(100);
            var after = await Load.SendAsync(client, 20, 2, _ => Load.To("expiring", "hello"));

            Assert.Equal((HttpStatusCode.ServiceUnavailable, "fault injected: outage"), (during.Status, during.Body));
            Assert.All(after, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        }
        finally
        {
            mesh.RestartConsole();
        }
    }

    [Theory]
    [InlineData("resilience", """{"rateLimit":{"tokensPerSecond":0,"burst":10}}""", "services[orders].resilience.rateLimit.tokensPerSecond:")]
    [InlineData("routes", """{"subsets":[{"name":"v1","labels":{"version":"v1"}}],"rules":[{"destinations":[{"subset":"v1","weight":90}]}]}""", "services[orders].routes.rules[0].destinations: weights sum to 90, must be 100")]
    [InlineData("faults", """{"faults":[{"abort":{"httpStatus":200,"percent":10},"expiresAt":"2030-01-01T00:00:00Z"}]}""", "services[orders].faults.faults[0].abort.httpStatus:")]
    public async Task SnapshotWithValuesTheConsoleRefuses_Nacked_NothingApplied(string kind, string json, string expected)
    {
        var service = new ServiceConfig { Name = "orders" };
        switch (kind)
        {
            case "resilience": service.ResilienceJson = json; break;
            case "routes": service.RoutesJson = json; break;
            default: service.FaultsJson = json; break;
        }

        await using var controlPlane = await PushingControlPlane.StartAsync(new Snapshot { Revision = 7, Nonce = "n-7", Hash = "h-7", Services = { service } });
        var options = new SidecarOptions
        {
            Service = "frontend",
            AppPort = KestrelConsole.FreePort(),
            ControlPlane = controlPlane.Address,
            OutboundPort = KestrelConsole.FreePort(),
            InboundPort = KestrelConsole.FreePort(),
            AdminPort = KestrelConsole.FreePort(),
            StateDirectory = Directory.CreateTempSubdirectory("mesh-sidecar-").FullName,
        };
        await using var sidecar = SidecarHost.Create(options, logging => logging.ClearProviders());
        await sidecar.StartAsync();

        var answer = await controlPlane.Answer.Task.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(SidecarMessage.KindOneofCase.Nack, answer.KindCase);
        Assert.Equal("n-7", answer.Nack.Nonce);
        Assert.Contains(expected, answer.Nack.Error, StringComparison.Ordinal);
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.AdminPort}/") };
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await admin.GetAsync("ready")).StatusCode);
    }

    /// <summary>A control plane that pushes one given snapshot to the first sidecar and keeps its answer.</summary>
    private sealed class PushingControlPlane : ControlPlane.ControlPlaneBase, IAsyncDisposable
    {
        private readonly Snapshot _snapshot;
        private WebApplication _app = null!;

        private PushingControlPlane(Snapshot snapshot) => _snapshot = snapshot;

        public TaskCompletionSource<SidecarMessage> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Uri Address { get; private set; } = null!;

        public static async Task<PushingControlPlane> StartAsync(Snapshot snapshot)
        {
            var server = new PushingControlPlane(snapshot);
            var port = KestrelConsole.FreePort();
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
            builder.Configuration.Sources.Clear();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(port, l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(server);
            server._app = builder.Build();
            server._app.MapGrpcService<PushingControlPlane>();
            await server._app.StartAsync();
            server.Address = new Uri($"http://127.0.0.1:{port}");
            return server;
        }

        public override async Task Connect(IAsyncStreamReader<SidecarMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
        {
            if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.KindCase != SidecarMessage.KindOneofCase.Hello)
                return;
            await responseStream.WriteAsync(new ControlMessage { Snapshot = _snapshot });
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                if (requestStream.Current.KindCase is SidecarMessage.KindOneofCase.Ack or SidecarMessage.KindOneofCase.Nack)
                    Answer.TrySetResult(requestStream.Current);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
