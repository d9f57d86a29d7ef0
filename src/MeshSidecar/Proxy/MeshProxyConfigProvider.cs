using Mesh.Policy.Resilience;
using MeshSidecar.Snapshots;
using MeshSidecar.Traffic;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.LoadBalancing;

namespace MeshSidecar.Proxy;

/// <summary>
/// YARP's routes and clusters for the outbound listener, rebuilt from each applied snapshot and
/// swapped atomically: the old config's change token fires, YARP reads the new one, and requests
/// in flight finish on the config they started with.
/// </summary>
internal sealed class MeshProxyConfigProvider : IProxyConfigProvider
{
    /// <summary>The header an app names its destination service with.</summary>
    public const string ServiceHeader = "X-Mesh-Service";

    private volatile MeshProxyConfig _config;

    public MeshProxyConfigProvider(SnapshotHolder holder)
    {
        // Never a shared empty config: its change token fires once, for good, and YARP would reload
        // forever on a config whose token has already fired.
        _config = holder.Current is { } current ? Build(current) : new MeshProxyConfig([], []);
        holder.Applied += snapshot =>
        {
            var previous = _config;
            _config = Build(snapshot);
            previous.Signal();
        };
    }

    public IProxyConfig GetConfig() => _config;

    internal static MeshProxyConfig Build(AppliedSnapshot snapshot)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var service in snapshot.Services.Values)
        {
            routes.Add(new RouteConfig
            {
                RouteId = $"{service.Name}-by-header",
                ClusterId = service.Name,
                Order = 0,
                Match = new RouteMatch
                {
                    Path = "/{**catch-all}",
                    Headers = [new RouteHeader { Name = ServiceHeader, Values = [service.Name], Mode = HeaderMatchMode.ExactHeader }],
                },
            });
            // A Host or gRPC authority of "orders" or "orders.mesh" names the service too.
            routes.Add(new RouteConfig
            {
                RouteId = $"{service.Name}-by-host",
                ClusterId = service.Name,
                Order = 1,
                Match = new RouteMatch { Path = "/{**catch-all}", Hosts = [service.Name, $"{service.Name}.mesh"] },
            });
            // A gRPC call names its service in the path: /shop.v1.Orders/Get.
            foreach (var grpc in service.GrpcServices)
            {
                routes.Add(new RouteConfig
                {
                    RouteId = $"{service.Name}-grpc-{grpc}",
                    ClusterId = service.Name,
                    Order = 2,
                    Match = new RouteMatch { Path = $"/{grpc}/{{method}}" },
                });
            }

            var balancer = service.Resilience?.LoadBalancer;
            clusters.Add(new ClusterConfig
            {
                ClusterId = service.Name,
                LoadBalancingPolicy = LoadBalancing(balancer),
                Metadata = balancer?.HashHeader is { } hashHeader
                    ? new Dictionary<string, string> { [ConsistentHashPolicy.HeaderMetadata] = hashHeader }
                    : null,
                // Passive health on, so instances the outlier detector sets aside leave the load
                // balancer's choice; reported per attempt by AttemptHandler, not by YARP's middleware.
                HealthCheck = new HealthCheckConfig
                {
                    Passive = new PassiveHealthCheckConfig { Enabled = true, ReactivationPeriod = TimeSpan.FromSeconds(10) },
                },
                Destinations = service.Endpoints
                    .Where(e => e.Healthy)
                    .ToDictionary(
                        e => e.InstanceId,
                        e => new DestinationConfig
                        {
                            // UriBuilder puts IPv6 addresses in brackets: http://[fd00::1]:15006.
                            Address = new UriBuilder(Uri.UriSchemeHttp, e.Address, (int)e.Port).Uri.ToString().TrimEnd('/'),
                            Metadata = new Dictionary<string, string>(e.Labels),
                        },
                        StringComparer.Ordinal),
            });
        }

        return new MeshProxyConfig(routes, clusters);
    }

    private static string LoadBalancing(LoadBalancerPolicy? policy) => policy?.Policy switch
    {
        LoadBalancerKind.Random => LoadBalancingPolicies.Random,
        LoadBalancerKind.LeastRequest => LoadBalancingPolicies.PowerOfTwoChoices,
        LoadBalancerKind.ConsistentHash => ConsistentHashPolicy.PolicyName,
        _ => LoadBalancingPolicies.RoundRobin,
    };

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification =
        "The token source lives exactly as long as the config it signals for, as in YARP's own InMemoryConfigProvider; YARP may read the token after the signal.")]
    internal sealed class MeshProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
    {
        private readonly CancellationTokenSource _changed = new();

        public IReadOnlyList<RouteConfig> Routes => routes;

        public IReadOnlyList<ClusterConfig> Clusters => clusters;

        public IChangeToken ChangeToken => new CancellationChangeToken(_changed.Token);

        public void Signal() => _changed.Cancel();
    }
}
