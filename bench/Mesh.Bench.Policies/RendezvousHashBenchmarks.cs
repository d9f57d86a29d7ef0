using BenchmarkDotNet.Attributes;
using MeshSidecar.Traffic;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Mesh.Bench.Policies;

/// <summary>
/// The sidecar's consistent-hash load balancer picking for one request that carries the hash header,
/// over YARP's own destination states named as the sidecar names instances (<c>{service}-{host}-{port}</c>).
/// </summary>
[MemoryDiagnoser]
public class RendezvousHashBenchmarks : IDisposable
{
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler());
    private readonly ConsistentHashPolicy _policy = new();
    private readonly ClusterState _cluster;
    private readonly DefaultHttpContext _request = new();
    private readonly DestinationState[] _three = Destinations(3);
    private readonly DestinationState[] _thirty = Destinations(30);

    public RendezvousHashBenchmarks()
    {
        var config = new ClusterConfig
        {
            ClusterId = "orders",
            Metadata = new Dictionary<string, string> { [ConsistentHashPolicy.HeaderMetadata] = "x-user" },
        };
        _cluster = new ClusterState("orders", new ClusterModel(config, _invoker));
        _request.Request.Headers["x-user"] = "user-4711";
    }

    [Benchmark]
    public DestinationState? Rendezvous3Destinations() => _policy.PickDestination(_request, _cluster, _three);

    [Benchmark]
    public DestinationState? Rendezvous30Destinations() => _policy.PickDestination(_request, _cluster, _thirty);

    public void Dispose()
    {
        _invoker.Dispose();
        GC.SuppressFinalize(this);
    }

    private static DestinationState[] Destinations(int count) =>
        [.. Enumerable.Range(1, count).Select(i => new DestinationState($"orders-ip-10-0-{i / 250}-{i % 250}-15006"))];
}
