using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Mesh.Policy.Resilience;

namespace Mesh.Bench.Policies;

/// <summary>
/// The inbound rate limit: one <c>AttemptAcquire</c> and the lease's dispose, as
/// <c>InboundPolicies.InvokeAsync</c> does for every request. The limiter is built with the same
/// lines as <c>InboundPolicies.CurrentLimiter</c>, copied here because that class is internal to
/// MeshSidecar. The rate is so high that no request is ever refused: int.MaxValue tokens to start
/// with and about 107 million more every 50 ms, far more than one core can take.
/// </summary>
[MemoryDiagnoser]
public class RateLimitBenchmarks : IDisposable
{
    private const string Source = "frontend";

    private readonly PartitionedRateLimiter<string> _global = Build(new RateLimitPolicy
    {
        TokensPerSecond = int.MaxValue,
        Burst = int.MaxValue,
        Scope = RateLimitScope.Global,
    }, instances: 1);

    private readonly PartitionedRateLimiter<string> _perSource = Build(new RateLimitPolicy
    {
        TokensPerSecond = int.MaxValue,
        Burst = int.MaxValue,
        Scope = RateLimitScope.PerSource,
    }, instances: 1);

    [Benchmark]
    public bool RateLimitGlobal() => Acquire(_global);

    [Benchmark]
    public bool RateLimitPerSource() => Acquire(_perSource);

    [GlobalCleanup]
    public void Dispose()
    {
        _global.Dispose();
        _perSource.Dispose();
        GC.SuppressFinalize(this);
    }

    private static bool Acquire(PartitionedRateLimiter<string> limiter)
    {
        using var lease = limiter.AttemptAcquire(Source);
        return lease.IsAcquired;
    }

    /// <summary>Copied from <c>InboundPolicies.CurrentLimiter</c> (internal to MeshSidecar).</summary>
    private static PartitionedRateLimiter<string> Build(RateLimitPolicy policy, int instances)
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
}
