using System.IO.Hashing;
using System.Runtime.InteropServices;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace MeshSidecar.Traffic;

/// <summary>
/// Sticky sessions: requests with the same value of the policy's hash header go to the same instance.
/// Rendezvous hashing (each instance scores hash(value, instance), the highest wins) moves only the
/// keys of an instance that leaves, and every caller's sidecar picks alike. Without the header, a
/// request goes to a random instance.
/// </summary>
internal sealed class ConsistentHashPolicy : ILoadBalancingPolicy
{
    public const string PolicyName = "mesh-consistent-hash";

    /// <summary>Cluster metadata naming the header to hash.</summary>
    public const string HeaderMetadata = "mesh.hash-header";

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count == 0)
            return null;
        var header = cluster.Model.Config.Metadata?.GetValueOrDefault(HeaderMetadata);
        if (header is null || context.Request.Headers[header] is not { Count: > 0 } values)
            return availableDestinations[Random.Shared.Next(availableDestinations.Count)];

        // Each instance scores the key hashed with its own id as the seed: nothing is allocated per
        // instance. Strings are hashed as their UTF-16 bytes, the same on every sidecar.
        var key = MemoryMarshal.AsBytes(values.ToString().AsSpan());
        DestinationState? best = null;
        ulong bestScore = 0;
        foreach (var destination in availableDestinations)
        {
            var score = XxHash3.HashToUInt64(key, Seed(destination.DestinationId));
            if (best is null || score > bestScore)
            {
                best = destination;
                bestScore = score;
            }
        }

        return best;
    }

    private static long Seed(string destinationId) =>
        unchecked((long)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(destinationId.AsSpan())));
}
