using System.Net;
using Microsoft.Extensions.Logging;

namespace MeshSidecar.Tests.Traffic;

/// <summary>Certificates replaced while traffic flows, and a restart without the console.</summary>
[Collection(RealSidecars.Name)]
public sealed class CertificateRotationTests : IAsyncLifetime
{
    private const string StrictWebAllowed =
        """{"defaultAction":"deny","rules":[{"source":"web","destination":"orders","action":"allow"}],"mtls":{"mode":"strict"}}""";

    private TestMesh _mesh = null!;

    public async Task InitializeAsync() => _mesh = await TestMesh.StartAsync();

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public async Task Rotate_BothSidecarsUnderLoad_NoRequestFails()
    {
        _mesh.IssueBoth();
        _mesh.Push(StrictWebAllowed);
        var firstOrders = _mesh.Orders.Identity.Current!.Serial;
        var firstWeb = _mesh.Web.Identity.Current!.Serial;
        var failures = new List<string>();
        var sent = 0;
        var rotations = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Four callers keep connections busy, while both certificates are replaced every 40 requests.
        async Task CallerAsync()
        {
            int number;
            while (!stop.IsCancellationRequested && (number = Interlocked.Increment(ref sent)) <= 400)
            {
                try
                {
                    using var response = await _mesh.Caller.GetAsync("/hello", stop.Token);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        var body = await response.Content.ReadAsStringAsync();
                        lock (failures)
                            failures.Add($"{(int)response.StatusCode} {body}");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    lock (failures)
                        failures.Add(ex.Message);
                }

                if (number % 40 == 0)
                {
                    Assert.Null(_mesh.Issue(_mesh.Orders, "orders"));
                    Assert.Null(_mesh.Issue(_mesh.Web, "web"));
                    Interlocked.Increment(ref rotations);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(CallerAsync)));

        Assert.Empty(failures);
        Assert.False(stop.IsCancellationRequested, "the load loop ran out of time before its 400 requests");
        Assert.Equal(10, rotations);
        Assert.NotEqual(firstOrders, _mesh.Orders.Identity.Current!.Serial);
        Assert.NotEqual(firstWeb, _mesh.Web.Identity.Current!.Serial);
    }

    [Fact]
    public async Task Rotate_NewConnection_PresentsNewCertificate()
    {
        _mesh.IssueBoth();
        _mesh.Push(StrictWebAllowed);
        using var billing = _mesh.Ca.Client("web");
        string? before = null;
        string? after = null;
        using (var client = _mesh.Direct(billing, server => before = server.SerialNumber))
            await client.GetStringAsync("/hello");

        _mesh.Issue(_mesh.Orders, "orders");
        using (var client = _mesh.Direct(billing, server => after = server.SerialNumber))
            await client.GetStringAsync("/hello");

        Assert.NotEqual(before, after);
        Assert.Equal(_mesh.Orders.Identity.Current!.Serial, after);
    }

    [Fact]
    public async Task Restart_WithoutConsole_ServesMutualTlsWithKeptCertificate()
    {
        _mesh.IssueBoth();
        _mesh.Push(StrictWebAllowed);
        var serial = _mesh.Orders.Identity.Current!.Serial;
        await _mesh.Orders.DisposeAsync();

        // The same options, the same state directory; nobody issues anything this time.
        await using var restarted = SidecarHost.Create(_mesh.OrdersOptions, logging => logging.ClearProviders());
        await restarted.StartAsync();
        var body = await _mesh.Caller.GetStringAsync("/hello");

        Assert.Equal(serial, restarted.Identity.Current?.Serial);
        Assert.Equal("orders over HTTP/1.1; caller web", body);
    }
}
