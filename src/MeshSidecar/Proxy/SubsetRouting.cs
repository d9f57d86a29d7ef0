using MeshSidecar.Snapshots;
using Yarp.ReverseProxy.Model;

namespace MeshSidecar.Proxy;

/// <summary>
/// Canary and A/B routing inside YARP's pipeline: the destination service's route rules pick a
/// subset, and only instances whose labels carry the subset's selector stay available to the load
/// balancer. A request no rule matches may go to any instance.
/// </summary>
internal static class SubsetRouting
{
    public static IReverseProxyApplicationBuilder UseSubsetRouting(this IReverseProxyApplicationBuilder proxy, SnapshotHolder holder)
    {
        proxy.Use(async (context, next) =>
        {
            var feature = context.GetReverseProxyFeature();
            var service = feature.Cluster.Config.ClusterId;
            if (holder.Current?.Services.GetValueOrDefault(service)?.Routes is { } routes)
            {
                var request = context.Request;
                var choice = routes.Select(request.Method, request.Path.Value ?? "/",
                    name => request.Headers.TryGetValue(name, out var values) ? values.ToString() : null,
                    Random.Shared.Next(100));
                if (choice is not null)
                {
                    var inSubset = feature.AvailableDestinations.Where(d => Carries(d, choice.Labels)).ToList();
                    if (inSubset.Count == 0)
                    {
                        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                        await context.Response.WriteAsync($"no healthy instance of {service} in subset {choice.Subset}", context.RequestAborted);
                        return;
                    }

                    feature.AvailableDestinations = inSubset;
                }
            }

            await next();
        });
        return proxy;
    }

    private static bool Carries(DestinationState destination, IReadOnlyDictionary<string, string> selector)
    {
        var labels = destination.Model.Config.Metadata;
        return labels is not null && selector.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value);
    }
}
