using System.Diagnostics;
using Mesh.Policy.Faults;
using MeshSidecar.Admin;
using MeshSidecar.Snapshots;
using Yarp.ReverseProxy.Model;

namespace MeshSidecar.Traffic;

/// <summary>
/// The outbound policies that act before YARP picks an instance, in Envoy's order: fault injection
/// (delay, then abort), the route rule and its subset, locality (the caller's zone first), and
/// mirroring. It also measures the whole call, retries included. Each call reads the snapshot once,
/// so a policy change applies to the next call and never to one in flight.
/// </summary>
internal sealed class OutboundPolicies(
    SnapshotHolder holder, SidecarMetrics metrics, Mirroring mirroring, OutlierDetector outliers, TimeProvider time, string sourceService, string? zone)
{
    public const string ZoneLabel = "zone";

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var feature = context.GetReverseProxyFeature();
        if (holder.Current?.Services.GetValueOrDefault(feature.Cluster.Config.ClusterId) is not { } service)
        {
            await next().ConfigureAwait(false);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        string? Header(string name) => request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;
        var route = "default";
        string? subset = null;
        int? routeTimeout = null;
        try
        {
            if (service.Faults?.Decide(Header, sourceService, time.GetUtcNow(), Random.Shared.NextDouble() * 100, Random.Shared.NextDouble() * 100) is { } fault
                && await InjectAsync(context, service, fault).ConfigureAwait(false))
                return;

            if (service.Routes is { } routes
                && routes.Select(request.Method, request.Path.Value ?? "/", Header, Random.Shared.Next(100)) is { } choice)
            {
                var rule = routes.Policy.Rules[choice.RuleIndex];
                route = rule.Name ?? $"rules[{choice.RuleIndex}]";
                routeTimeout = rule.TimeoutMs;
                subset = choice.Subset;
                // Beside the metric, for whoever traces the sidecar's own requests (ASP.NET Core's activity).
                Activity.Current?.SetTag(SidecarMetrics.SubsetAttribute, subset);
                var inSubset = feature.AvailableDestinations.Where(d => Carries(d, choice.Labels)).ToList();
                if (inSubset.Count == 0)
                {
                    await UnavailableAsync(context, $"no healthy instance of {service.Name} in subset {choice.Subset}").ConfigureAwait(false);
                    return;
                }

                feature.AvailableDestinations = inSubset;
            }

            feature.AvailableDestinations = outliers.WithoutEjected(feature.AvailableDestinations);
            PreferZone(feature);

            if (service.Routes?.Policy.Mirror is { } mirror && Random.Shared.NextDouble() * 100 < mirror.Percent
                && service.Routes.SubsetLabels(mirror.Subset) is { } labels)
                await mirroring.SendAsync(context, feature.Cluster.HttpClient, service, mirror.Subset, labels, feature.AllDestinations).ConfigureAwait(false);

            context.Features.Set(new MeshCall(context, service, route, subset, feature.AvailableDestinations) { RouteTimeoutMs = routeTimeout });
            await next().ConfigureAwait(false);
        }
        finally
        {
            metrics.Outbound(RequestOutcome.Of(context), service.Name, route, subset, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>True when a destination's labels carry every label of the selector.</summary>
    public static bool Carries(DestinationState destination, IReadOnlyDictionary<string, string> selector)
    {
        var labels = destination.Model.Config.Metadata;
        return labels is not null && selector.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value);
    }

    /// <summary>Instances in the caller's zone while any of them is available; the others otherwise.</summary>
    private void PreferZone(IReverseProxyFeature feature)
    {
        if (zone is null)
            return;
        var available = feature.AvailableDestinations;
        var local = available.Where(d => d.Model.Config.Metadata?.GetValueOrDefault(ZoneLabel) == zone).ToList();
        if (local.Count > 0 && local.Count < available.Count)
            feature.AvailableDestinations = local;
    }

    /// <summary>Applies a fault's delay, then its abort; true when the call was answered here.</summary>
    private async Task<bool> InjectAsync(HttpContext context, ServiceRoute service, FaultDecision fault)
    {
        if (fault.Delay > TimeSpan.Zero)
        {
            metrics.FaultInjected(service.Name, fault.Fault, "delay");
            try
            {
                await Task.Delay(fault.Delay, time, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The caller gave up during the delay: nobody is left to answer.
                return true;
            }
        }

        if (fault.Abort is not { } abort)
            return false;
        metrics.FaultInjected(service.Name, fault.Fault, "abort");
        var message = $"fault injected: {fault.Fault}";
        if (GrpcStatus.IsGrpc(context.Request))
            await GrpcStatus.WriteStatusAsync(context.Response, abort.GrpcStatus ?? GrpcStatus.FromHttp(abort.HttpStatus!.Value), message).ConfigureAwait(false);
        else
        {
            context.Response.StatusCode = abort.HttpStatus ?? GrpcStatus.ToHttp(abort.GrpcStatus!.Value);
            await context.Response.WriteAsync(message, context.RequestAborted).ConfigureAwait(false);
        }

        return true;
    }

    private static Task UnavailableAsync(HttpContext context, string reason)
    {
        if (GrpcStatus.IsGrpc(context.Request))
            return GrpcStatus.WriteStatusAsync(context.Response, GrpcStatus.Unavailable, reason);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return context.Response.WriteAsync(reason, context.RequestAborted);
    }
}
