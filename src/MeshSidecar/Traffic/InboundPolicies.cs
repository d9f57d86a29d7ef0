using System.Diagnostics;
using System.Globalization;
using System.Threading.RateLimiting;
using Mesh.Policy.Resilience;
using MeshSidecar.Admin;
using MeshSidecar.Snapshots;

namespace MeshSidecar.Traffic;

/// <summary>
/// The policies the destination's sidecar enforces on calls into its app: access control (see
/// <see cref="InboundAccess"/>), the rate limit of its own service (a token bucket, one for everyone or one per calling service) and the inbound metrics.
/// The service's rate is shared evenly among its healthy instances, so the service as a whole
/// accepts about the rate the policy names however many instances it runs.
/// </summary>
internal sealed class InboundPolicies(SnapshotHolder holder, InboundAccess access, SidecarMetrics metrics, TimeProvider time, string service)
{
    /// <summary>A replaced limiter is disposed only after calls that may still hold it are done with it.</summary>
    private static readonly TimeSpan _retireAfter = TimeSpan.FromSeconds(10);

    private volatile Limiter? _limiter;

    /// <summary>The last snapshot found to set no rate limit for this service: nothing to check until the next.</summary>
    private AppliedSnapshot? _unlimitedIn;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var (verified, source) = InboundAccess.IdentifyCaller(context);
        try
        {
            if (!await access.CheckAsync(context, verified, source).ConfigureAwait(false))
                return;

            if (CurrentLimiter() is { } limiter)
            {
                using var lease = limiter.Partitions.AttemptAcquire(source);
                if (!lease.IsAcquired)
                {
                    metrics.RateLimited(source);
                    await RejectAsync(context, lease, limiter.Policy).ConfigureAwait(false);
                    return;
                }
            }

            await next(context).ConfigureAwait(false);
        }
        finally
        {
            metrics.Inbound(RequestOutcome.Of(context), source, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// The token bucket for the rate in force, rebuilt when the policy or the number of healthy
    /// instances changes.
    /// </summary>
    private Limiter? CurrentLimiter()
    {
        var snapshot = holder.Current;
        var limiter = _limiter;
        if (limiter is not null && ReferenceEquals(limiter.Snapshot, snapshot))
            return limiter;

        if (ReferenceEquals(Volatile.Read(ref _unlimitedIn), snapshot) && snapshot is not null)
            return null;
        var current = snapshot?.Services.GetValueOrDefault(service);
        var policy = current?.Resilience?.RateLimit;
        if (policy is null)
        {
            Retire(Interlocked.Exchange(ref _limiter, null));
            Volatile.Write(ref _unlimitedIn, snapshot);
            return null;
        }

        var instances = Math.Max(1, current!.Endpoints.Count(e => e.Healthy));

        // A new snapshot that changes neither the rate nor the instances keeps the buckets as they are.
        if (limiter is not null && limiter.Policy == policy && limiter.Instances == instances)
        {
            Interlocked.CompareExchange(ref _limiter, limiter with { Snapshot = snapshot }, limiter);
            return limiter;
        }

        var built = new Limiter(snapshot, policy, instances, Build(policy, instances));
        Retire(Interlocked.Exchange(ref _limiter, built));
        return built;
    }

    /// <summary>
    /// The token buckets for one instance's share of the service's rate: refilled in small steps
    /// (about every 50 ms) so a burst sees the rate, not a once-a-second cliff.
    /// </summary>
    internal static PartitionedRateLimiter<string> Build(RateLimitPolicy policy, int instances)
    {
        var perInstance = (double)policy.TokensPerSecond / instances;
        var tokensPerStep = Math.Max(1, (int)Math.Round(perInstance * 0.05));
        var options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, (int)Math.Ceiling((double)policy.Burst / instances)),
            TokensPerPeriod = tokensPerStep,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerStep / perInstance),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        return PartitionedRateLimiter.Create<string, string>(source =>
            RateLimitPartition.GetTokenBucketLimiter(policy.Scope == RateLimitScope.PerSource ? source : "", _ => options));
    }

    private void Retire(Limiter? limiter)
    {
        if (limiter is not null)
            _ = Task.Delay(_retireAfter, time).ContinueWith(_ => limiter.Partitions.Dispose(), TaskScheduler.Default);
    }

    private Task RejectAsync(HttpContext context, RateLimitLease lease, RateLimitPolicy policy)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var reason = $"rate limited: {service} accepts {policy.TokensPerSecond} requests per second{(policy.Scope == RateLimitScope.PerSource ? " per calling service" : "")}";
        if (GrpcStatus.IsGrpc(context.Request))
            return GrpcStatus.WriteStatusAsync(context.Response, GrpcStatus.ResourceExhausted, reason);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return context.Response.WriteAsync(reason, context.RequestAborted);
    }

    /// <summary>The buckets for one rate, and the snapshot they were last checked against.</summary>
    private sealed record Limiter(AppliedSnapshot? Snapshot, RateLimitPolicy Policy, int Instances, PartitionedRateLimiter<string> Partitions);
}
