using Mesh.Contracts.V1;
using MeshSidecar.Proxy;
using MeshSidecar.Snapshots;
using Yarp.ReverseProxy.Configuration;

namespace MeshSidecar.Tests.Proxy;

public sealed class MeshProxyConfigProviderTests : IDisposable
{
    private readonly DirectoryInfo _temporary = Directory.CreateTempSubdirectory("mesh-sidecar-tests-");
    private readonly SnapshotHolder _holder;

    public MeshProxyConfigProviderTests() =>
        _holder = TestSnapshots.Holder(TestSnapshots.Options(_temporary.FullName));

    public void Dispose() => _temporary.Delete(recursive: true);

    /// <summary>Orders with a third, unhealthy instance, and payments with one instance and no policies.</summary>
    private static Snapshot TwoServices(long revision = 7)
    {
        var orders = TestSnapshots.Orders();
        orders.Endpoints.Add(TestSnapshots.NewEndpoint("orders-c", "10.0.0.3", 15006, "v2", healthy: false));
        var payments = new ServiceConfig { Name = "payments", Endpoints = { TestSnapshots.NewEndpoint("payments-a", "10.0.1.1", 16006, "v1") } };
        return TestSnapshots.Snapshot(revision, orders, payments);
    }

    private IProxyConfig ConfigOf(Snapshot message)
    {
        Assert.Null(_holder.Apply(message));
        return new MeshProxyConfigProvider(_holder).GetConfig();
    }

    private static ClusterConfig Cluster(IProxyConfig config, string service) =>
        Assert.Single(config.Clusters, c => c.ClusterId == service);

    [Fact]
    public void GetConfig_NoSnapshotYet_IsEmpty()
    {
        var provider = new MeshProxyConfigProvider(_holder);

        var config = provider.GetConfig();

        Assert.Empty(config.Routes);
        Assert.Empty(config.Clusters);
    }

    /// <summary>
    /// Several sidecars may live in one process (the integration tests start a mesh of them). One
    /// that has no snapshot yet must hand YARP a config whose change token has not fired, whatever
    /// another sidecar's provider did before.
    /// </summary>
    [Fact]
    public void GetConfig_NoSnapshotYetAfterAnotherProviderApplied_ChangeTokenNotFired()
    {
        var first = new MeshProxyConfigProvider(_holder);
        Assert.Null(_holder.Apply(TwoServices()));
        var otherHolder = TestSnapshots.Holder(TestSnapshots.Options(Path.Combine(_temporary.FullName, "other")) with { InboundPort = 16006 });

        var config = new MeshProxyConfigProvider(otherHolder).GetConfig();

        Assert.NotEmpty(first.GetConfig().Clusters);
        Assert.Empty(config.Clusters);
        Assert.False(config.ChangeToken.HasChanged);
    }

    [Fact]
    public void GetConfig_SnapshotAppliedBeforeProvider_BuiltFromCurrent()
    {
        var config = ConfigOf(TwoServices());

        Assert.Equal(["orders", "payments"], config.Clusters.Select(c => c.ClusterId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GetConfig_SnapshotAppliedAfterProvider_BuiltFromIt()
    {
        var provider = new MeshProxyConfigProvider(_holder);

        Assert.Null(_holder.Apply(TwoServices()));

        Assert.Equal(["orders", "payments"], provider.GetConfig().Clusters.Select(c => c.ClusterId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GetConfig_TwoServices_OneClusterEach()
    {
        var config = ConfigOf(TwoServices());

        Assert.Equal(2, config.Clusters.Count);
        Assert.Equal(["payments-a"], Cluster(config, "payments").Destinations?.Keys);
    }

    [Fact]
    public void GetConfig_UnhealthyEndpoint_NoDestination()
    {
        var config = ConfigOf(TwoServices());

        var destinations = Cluster(config, "orders").Destinations;

        Assert.NotNull(destinations);
        Assert.Equal(["orders-a", "orders-b"], destinations.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GetConfig_HealthyEndpoint_AddressAndLabelsAsMetadata()
    {
        var config = ConfigOf(TwoServices());

        var destinations = Cluster(config, "orders").Destinations!;

        Assert.Equal("http://10.0.0.1:15006", destinations["orders-a"].Address);
        Assert.Equal(new Dictionary<string, string> { ["version"] = "v1", ["zone"] = "a" }, destinations["orders-a"].Metadata);
        Assert.Equal("http://10.0.0.2:15006", destinations["orders-b"].Address);
        Assert.Equal(new Dictionary<string, string> { ["version"] = "v2", ["zone"] = "a" }, destinations["orders-b"].Metadata);
        Assert.Equal("http://10.0.1.1:16006", Cluster(config, "payments").Destinations!["payments-a"].Address);
    }

    [Fact]
    public void GetConfig_HostNameEndpoint_AddressUsesHostName()
    {
        var service = new ServiceConfig { Name = "orders", Endpoints = { TestSnapshots.NewEndpoint("orders-a", "orders-1.internal", 15006, "v1") } };

        var config = ConfigOf(TestSnapshots.Snapshot(7, service));

        Assert.Equal("http://orders-1.internal:15006", Cluster(config, "orders").Destinations!["orders-a"].Address);
    }

    /// <summary>
    /// The snapshot accepts IPv6 endpoint addresses (a sidecar listening on ::1 or fd00::1 advertises
    /// one), so the destination must be a URL YARP can use: the address in brackets.
    /// </summary>
    [Fact]
    public void GetConfig_Ipv6Endpoint_AddressInBrackets()
    {
        var service = new ServiceConfig { Name = "orders", Endpoints = { TestSnapshots.NewEndpoint("orders-a", "fd00::1", 15006, "v1") } };

        var config = ConfigOf(TestSnapshots.Snapshot(7, service));

        var address = Cluster(config, "orders").Destinations!["orders-a"].Address;
        Assert.Equal("http://[fd00::1]:15006", address);
        Assert.True(Uri.TryCreate(address, UriKind.Absolute, out var uri));
        Assert.Equal(15006, uri.Port);
    }

    [Fact]
    public void GetConfig_ServiceWithoutHealthyEndpoints_ClusterWithoutDestinations()
    {
        var service = new ServiceConfig { Name = "orders", Endpoints = { TestSnapshots.NewEndpoint("orders-a", "10.0.0.1", 15006, "v1", healthy: false) } };

        var config = ConfigOf(TestSnapshots.Snapshot(7, service));

        Assert.Empty(Cluster(config, "orders").Destinations!);
    }

    [Fact]
    public void GetConfig_TwoServices_TwoRoutesEach()
    {
        var config = ConfigOf(TwoServices());

        Assert.Equal(4, config.Routes.Count);
        Assert.Equal(2, config.Routes.Count(r => r.ClusterId == "orders"));
        Assert.Equal(2, config.Routes.Count(r => r.ClusterId == "payments"));
    }

    [Fact]
    public void GetConfig_Service_HeaderRouteMatchesServiceHeaderExactly()
    {
        var config = ConfigOf(TwoServices());

        var route = Assert.Single(config.Routes, r => r.RouteId == "orders-by-header");

        Assert.Equal("orders", route.ClusterId);
        Assert.Equal(0, route.Order);
        Assert.Equal("/{**catch-all}", route.Match.Path);
        Assert.Null(route.Match.Hosts);
        var header = Assert.Single(route.Match.Headers!);
        Assert.Equal("X-Mesh-Service", header.Name);
        Assert.Equal(MeshProxyConfigProvider.ServiceHeader, header.Name);
        Assert.Equal(["orders"], header.Values);
        Assert.Equal(HeaderMatchMode.ExactHeader, header.Mode);
    }

    [Fact]
    public void GetConfig_Service_HostRouteMatchesNameAndMeshName()
    {
        var config = ConfigOf(TwoServices());

        var route = Assert.Single(config.Routes, r => r.RouteId == "orders-by-host");

        Assert.Equal("orders", route.ClusterId);
        Assert.Equal(1, route.Order);
        Assert.Equal("/{**catch-all}", route.Match.Path);
        Assert.Equal(["orders", "orders.mesh"], route.Match.Hosts);
        Assert.Null(route.Match.Headers);
    }

    [Theory]
    [InlineData("""{"loadBalancer":{"policy":"least-request"}}""", "PowerOfTwoChoices")]
    [InlineData("""{"loadBalancer":{"policy":"random"}}""", "Random")]
    [InlineData("""{"loadBalancer":{"policy":"round-robin"}}""", "RoundRobin")]
    [InlineData("""{"timeoutMs":1000}""", "RoundRobin")]
    [InlineData("", "RoundRobin")]
    // YARP's policy names (Yarp.ReverseProxy.LoadBalancing.LoadBalancingPolicies).
    public void GetConfig_ResilienceLoadBalancer_MapsToYarpPolicy(string resilienceJson, string expected)
    {
        var orders = TestSnapshots.Orders();
        orders.ResilienceJson = resilienceJson;

        var config = ConfigOf(TestSnapshots.Snapshot(7, orders));

        Assert.Equal(expected, Cluster(config, "orders").LoadBalancingPolicy);
    }

    [Fact]
    public void GetConfig_SecondApply_ReturnsNewConfigAndSignalsPrevious()
    {
        var provider = new MeshProxyConfigProvider(_holder);
        Assert.Null(_holder.Apply(TwoServices(revision: 7)));
        var previous = provider.GetConfig();
        Assert.False(previous.ChangeToken.HasChanged);
        var payments = new ServiceConfig { Name = "payments", Endpoints = { TestSnapshots.NewEndpoint("payments-b", "10.0.1.2", 16006, "v2") } };

        Assert.Null(_holder.Apply(TestSnapshots.Snapshot(8, payments)));
        var current = provider.GetConfig();

        Assert.NotSame(previous, current);
        Assert.True(previous.ChangeToken.HasChanged);
        Assert.False(current.ChangeToken.HasChanged);
        var cluster = Assert.Single(current.Clusters);
        Assert.Equal("payments", cluster.ClusterId);
        Assert.Equal(["payments-b"], cluster.Destinations!.Keys);
        Assert.Equal(["payments-by-header", "payments-by-host"], current.Routes.Select(r => r.RouteId));
    }

    [Fact]
    public void GetConfig_SecondApply_FiresCallbackRegisteredOnPrevious()
    {
        var provider = new MeshProxyConfigProvider(_holder);
        var fired = 0;
        using var registration = provider.GetConfig().ChangeToken.RegisterChangeCallback(_ => fired++, null);

        Assert.Null(_holder.Apply(TwoServices()));

        Assert.Equal(1, fired);
    }

    [Fact]
    public void GetConfig_RefusedApply_KeepsConfigUnsignalled()
    {
        var provider = new MeshProxyConfigProvider(_holder);
        Assert.Null(_holder.Apply(TwoServices(revision: 7)));
        var previous = provider.GetConfig();
        var refused = TwoServices(revision: 8);
        refused.Hash = "";

        Assert.NotNull(_holder.Apply(refused));

        Assert.Same(previous, provider.GetConfig());
        Assert.False(previous.ChangeToken.HasChanged);
    }
}
