using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Mesh.Policy.Resilience;
using MeshSidecar.Traffic;

namespace Mesh.Bench.Policies;

/// <summary>
/// The inbound rate limit: one <c>AttemptAcquire</c> and the lease's dispose, as
/// <c>InboundPolicies.InvokeAsync</c> does for every request, on buckets built by the sidecar's own
/// <c>InboundPolicies.Build</c>. The rate is so high that no request is ever refused: int.MaxValue tokens to start
/// with and about 107 million more every 50 ms, far more than one core can take.
/// </summary>
[MemoryDiagnoser]
public class RateLimitBenchmarks : IDisposable
{
    private const string Source = "frontend";

    private readonly PartitionedRateLimiter<string> _global = InboundPolicies.Build(new RateLimitPolicy
    {
        TokensPerSecond = int.MaxValue,
        Burst = int.MaxValue,
        Scope = RateLimitScope.Global,
    }, instances: 1);

    private readonly PartitionedRateLimiter<string> _perSource = InboundPolicies.Build(new RateLimitPolicy
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
}
