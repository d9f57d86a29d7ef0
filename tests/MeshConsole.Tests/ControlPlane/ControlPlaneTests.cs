using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Mesh.Contracts.V1;
using Mesh.Testing;

namespace MeshConsole.Tests.ControlPlane;

/// <summary>Register → discover → push → ACK/NACK over real gRPC on loopback.</summary>
public sealed class ControlPlaneTests() : LoopbackConsoleTest(new Dictionary<string, string>
{
    ["Mesh:ControlPlane:HeartbeatGrace"] = "00:00:02",
})
{
    private const string Routes = """
        { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
          "rules": [ { "destinations": [ {"subset":"v1","weight":90}, {"subset":"v2","weight":10} ] } ], "version": 0 }
        """;

    [Fact]
    public async Task Connect_Hello_ListedNotRoutableUntilItsFirstAckThenHealthyAndSynced()
    {
        await using var sidecar = FakeSidecar.Open(Console);

        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1", port: 17006));
        var first = await sidecar.NextSnapshotListingAsync("orders-1");
        await sidecar.AckAsync(first);
        var routable = await sidecar.NextSnapshotAsync(s => Orders(s).Any(e => e.InstanceId == "orders-1" && e.Healthy));
        await sidecar.AckAsync(routable);

        // Before its first ack it may not hold its certificate yet: peers must not be sent there.
        Assert.False(Assert.Single(Orders(first)).Healthy);
        var endpoint = Assert.Single(Orders(routable));
        Assert.Equal("orders-1", endpoint.InstanceId);
        Assert.Equal(17006u, endpoint.Port);
        Assert.Equal("v1", endpoint.Labels["version"]);
        Assert.Equal(64, routable.Hash.Length);
        var status = await WaitForStatusAsync("orders-1", s => s.GetProperty("state").GetString() == "synced");
        Assert.Equal("orders", status.GetProperty("service").GetString());
        Assert.True(status.GetProperty("healthy").GetBoolean());
    }

    [Fact]
    public async Task Connect_HelloServingASnapshotFromDisk_RoutableAtOnce()
    {
        await using var sidecar = FakeSidecar.Open(Console);
        var hello = FakeSidecar.Hello("orders", "orders-1");
        hello.AppliedRevision = 3;
        hello.AppliedHash = new string('a', 64);

        await sidecar.SayHelloAsync(hello);
        var first = await sidecar.NextSnapshotListingAsync("orders-1");

        Assert.True(Assert.Single(Orders(first)).Healthy);
    }

    private static IEnumerable<Endpoint> Orders(Snapshot snapshot) =>
        snapshot.Services.Where(s => s.Name == "orders").SelectMany(s => s.Endpoints);

    [Fact]
    public async Task RevisionCommitted_PushedToEveryStreamAndAckedAtThatRevision()
    {
        await Api.PutAsync("api/services/orders", """{"owner":"team","version":0}""");
        await using var first = FakeSidecar.Open(Console);
        await using var second = FakeSidecar.Open(Console);
        await first.SayHelloAsync(FakeSidecar.Hello("frontend", "frontend-1"));
        await second.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1", version: "v2"));
        await first.AckAsync(await first.NextSnapshotAsync());
        await second.AckAsync(await second.NextSnapshotAsync());

        var revision = await Api.PutAsync("api/services/orders/routes", Routes);

        foreach (var sidecar in new[] { first, second })
        {
            var pushed = await sidecar.NextSnapshotAsync(s => s.Revision == revision);
            var orders = pushed.Services.Single(s => s.Name == "orders");
            Assert.Contains("\"weight\":90", orders.RoutesJson, StringComparison.Ordinal);
            await sidecar.AckAsync(pushed);
        }

        await WaitForStatusAsync("frontend-1", s => s.GetProperty("appliedRevision").GetInt64() == revision && s.GetProperty("state").GetString() == "synced");
        await WaitForStatusAsync("orders-1", s => s.GetProperty("appliedRevision").GetInt64() == revision && s.GetProperty("state").GetString() == "synced");
    }

    [Fact]
    public async Task Nack_StateNackedWithTheError()
    {
        await using var sidecar = FakeSidecar.Open(Console);
        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        var snapshot = await sidecar.NextSnapshotListingAsync("orders-1");

        await sidecar.NackAsync(snapshot, "services[orders].routes: cannot apply");

        var status = await WaitForStatusAsync("orders-1", s => s.GetProperty("state").GetString() == "nacked");
        Assert.Equal("services[orders].routes: cannot apply", status.GetProperty("error").GetString());
    }

    [Fact]
    public async Task SecondSidecarJoins_FirstIsPushedTheNewEndpoint()
    {
        await using var first = FakeSidecar.Open(Console);
        await first.SayHelloAsync(FakeSidecar.Hello("frontend", "frontend-1"));
        await first.AckAsync(await first.NextSnapshotAsync());

        await using var second = FakeSidecar.Open(Console);
        await second.SayHelloAsync(FakeSidecar.Hello("orders", "orders-7", port: 18006));

        var discovered = await first.NextSnapshotAsync(s => s.Services.Any(x => x.Name == "orders"));
        Assert.Equal(18006u, discovered.Services.Single(s => s.Name == "orders").Endpoints.Single().Port);
    }

    [Fact]
    public async Task SidecarGone_DisconnectedThenUnhealthyAfterGrace()
    {
        await using var watcher = FakeSidecar.Open(Console);
        await watcher.SayHelloAsync(FakeSidecar.Hello("frontend", "frontend-1"));
        await watcher.AckAsync(await watcher.NextSnapshotAsync());
        var leaving = FakeSidecar.Open(Console);
        await leaving.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        await leaving.NextSnapshotAsync();

        await leaving.CloseAsync();
        await leaving.DisposeAsync();

        await WaitForStatusAsync("orders-1", s => s.GetProperty("state").GetString() == "disconnected");
        // The watcher keeps heartbeating; the gone instance turns unhealthy once its 2 s grace passed.
        var unhealthy = await NextSnapshotWhileHeartbeatingAsync(watcher,
            s => s.Services.Any(x => x.Name == "orders" && x.Endpoints.All(e => !e.Healthy)));
        Assert.False(unhealthy.Services.Single(s => s.Name == "orders").Endpoints.Single().Healthy);
    }

    [Theory]
    [InlineData("", "orders-1", "127.0.0.1", 15006, "hello.service: required")]
    [InlineData("Orders", "orders-1", "127.0.0.1", 15006, "hello.service: \"Orders\" is not a DNS label")]
    [InlineData("orders", "", "127.0.0.1", 15006, "hello.instance_id: required")]
    [InlineData("orders", "orders-1", "not a host!", 15006, "hello.address:")]
    [InlineData("orders", "orders-1", "127.0.0.1", 0, "hello.inbound_port: 0 is not a port")]
    public async Task Connect_BadHello_InvalidArgumentNamingTheField(string service, string instance, string address, int port, string expected)
    {
        await using var sidecar = FakeSidecar.Open(Console);

        await sidecar.SayHelloAsync(new Hello { Service = service, InstanceId = instance, Address = address, InboundPort = (uint)port });

        var error = await sidecar.EndedAsync();
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("[]", await Api.GetStringAsync("api/sidecars"));
    }

    [Fact]
    public async Task Connect_AckBeforeHello_InvalidArgument()
    {
        await using var sidecar = FakeSidecar.Open(Console);

        await sidecar.SendAsync(new SidecarMessage { Ack = new Ack { Nonce = "x" } });

        var error = await sidecar.EndedAsync();
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("the first message must be a hello, not a ack", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ack_UnknownNonce_InvalidArgumentAndDisconnected()
    {
        await using var sidecar = FakeSidecar.Open(Console);
        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        await sidecar.NextSnapshotAsync();

        await sidecar.SendAsync(new SidecarMessage { Ack = new Ack { Nonce = "never-sent" } });

        var error = await sidecar.EndedAsync();
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("ack.nonce: \"never-sent\" was not sent on this stream", error.Status.Detail, StringComparison.Ordinal);
        await WaitForStatusAsync("orders-1", s => s.GetProperty("state").GetString() == "disconnected");
    }

    [Fact]
    public async Task Ack_SameNonceTwice_StaysConnectedAndSynced()
    {
        await using var sidecar = FakeSidecar.Open(Console);
        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        var snapshot = await sidecar.NextSnapshotListingAsync("orders-1");

        await sidecar.AckAsync(snapshot);
        await sidecar.AckAsync(snapshot);
        await sidecar.SendAsync(new SidecarMessage { Heartbeat = new Heartbeat() });
        await sidecar.AckAsync(await sidecar.NextSnapshotAsync(s => Orders(s).Any(e => e.Healthy)));

        var status = await WaitForStatusAsync("orders-1", s => s.GetProperty("state").GetString() == "synced");
        Assert.Null(sidecar.Failure);
        Assert.True(status.GetProperty("healthy").GetBoolean());
    }

    [Fact]
    public async Task GrpcHealth_Serving()
    {
        using var channel = GrpcChannel.ForAddress(Console.ControlPlaneAddress, new GrpcChannelOptions { HttpHandler = Console.CreateMeshHandler() });

        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task GrpcReflection_ListsTheControlPlaneService()
    {
        // Reflection describes the console's services: a viewer's, unlike Connect and health.
        using var channel = GrpcChannel.ForAddress(Console.ControlPlaneAddress, new GrpcChannelOptions { HttpHandler = Console.CreateMeshHandler().Authenticate() });
        using var call = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("mesh.v1.ControlPlane", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    /// <summary>Polls GET /api/sidecars until the instance matches; bounded to 10 s.</summary>
    private async Task<JsonElement> WaitForStatusAsync(string instance, Func<JsonElement, bool> predicate)
    {
        JsonElement last = default;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var all = await Api.GetFromJsonAsync<JsonElement>("api/sidecars");
            foreach (var status in all.EnumerateArray())
            {
                if (status.GetProperty("instanceId").GetString() == instance)
                {
                    last = status;
                    if (predicate(status))
                        return status;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{instance} never matched; last seen: {last}");
    }

    private static async Task<Snapshot> NextSnapshotWhileHeartbeatingAsync(FakeSidecar sidecar, Func<Snapshot, bool> until)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var beating = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await sidecar.SendAsync(new SidecarMessage { Heartbeat = new Heartbeat() });
                await Task.Delay(300, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        try
        {
            return await sidecar.NextSnapshotAsync(until, timeoutSeconds: 15);
        }
        finally
        {
            await stop.CancelAsync();
            await beating;
        }
    }
}
