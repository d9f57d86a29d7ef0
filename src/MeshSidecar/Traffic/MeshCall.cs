using MeshSidecar.Snapshots;
using Yarp.ReverseProxy.Model;

namespace MeshSidecar.Traffic;

/// <summary>
/// One call from the app to a mesh service as the outbound policies decided it: the service with
/// the policies in force when it started (a snapshot swapped mid-call does not change them), the
/// route rule and subset it took, and the instances it may go to. YARP's client chain reads it
/// from the outgoing request's options.
/// </summary>
internal sealed class MeshCall(HttpContext context, ServiceRoute service, string route, string? subset, IReadOnlyList<DestinationState> candidates)
{
    public static readonly HttpRequestOptionsKey<MeshCall> Key = new("mesh.call");

    public HttpContext Context { get; } = context;

    public ServiceRoute Service { get; } = service;

    /// <summary>The route rule's name, <c>rules[i]</c> when unnamed, or <c>default</c> when no rule matched.</summary>
    public string Route { get; } = route;

    /// <summary>The subset the rule picked, or null when no rule matched.</summary>
    public string? Subset { get; } = subset;

    /// <summary>The matched route rule's own whole-call timeout, which wins over the service's.</summary>
    public int? RouteTimeoutMs { get; init; }

    public ClusterState? Cluster => Context.GetReverseProxyFeature().Route.Cluster;

    /// <summary>The instance YARP's load balancer picked for the first attempt.</summary>
    public DestinationState? FirstDestination => Context.GetReverseProxyFeature().ProxiedDestination;

    /// <summary>
    /// Another instance for a retry: one not tried yet and not ejected meanwhile, else any that is
    /// not ejected, else null (retry where the last attempt went).
    /// </summary>
    public DestinationState? NextDestination(IReadOnlyCollection<DestinationState> tried, Func<DestinationState, bool> ejected)
    {
        // Not the feature's AvailableDestinations: YARP's load balancer narrows those to its one pick.
        var available = candidates.Where(d => !ejected(d)).ToList();
        var fresh = available.Where(d => !tried.Contains(d)).ToList();
        var pool = fresh.Count > 0 ? fresh : available;
        return pool.Count == 0 ? null : pool[Random.Shared.Next(pool.Count)];
    }
}
