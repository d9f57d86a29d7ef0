using System.Text.Json.Serialization;

namespace Mesh.Policy.Resilience;

/// <summary>How callers of one destination service protect themselves and it.</summary>
public sealed record ResiliencePolicy
{
    /// <summary>Whole-request timeout in milliseconds, retries included; absent means none.</summary>
    public int? TimeoutMs { get; init; }

    /// <summary>Retries of failed attempts; absent means none.</summary>
    public RetryPolicy? Retries { get; init; }

    /// <summary>Outlier ejection of failing instances; absent means none.</summary>
    public CircuitBreakerPolicy? CircuitBreaker { get; init; }

    /// <summary>Token-bucket rate limit on calls to the service; absent means none.</summary>
    public RateLimitPolicy? RateLimit { get; init; }

    /// <summary>How an instance is picked; absent means round-robin.</summary>
    public LoadBalancerPolicy? LoadBalancer { get; init; }
}

/// <summary>When and how often a failed attempt is tried again.</summary>
public sealed record RetryPolicy
{
    /// <summary>Retries after the first attempt, 1–10.</summary>
    public int Attempts { get; init; }

    /// <summary>Timeout of each attempt in milliseconds; absent means only the whole-request timeout.</summary>
    public int? PerTryTimeoutMs { get; init; }

    /// <summary>Failure classes that are retried; at least one.</summary>
    public IReadOnlyList<RetryOn> RetryOn { get; init; } = [];

    /// <summary>Also retry POST, PATCH and other non-idempotent methods.</summary>
    public bool RetryNonIdempotent { get; init; }

    /// <summary>Caps retries so a failing service is not stormed; absent means the default budget.</summary>
    public RetryBudget? Budget { get; init; }
}

/// <summary>A failure class that may be retried.</summary>
public enum RetryOn
{
    /// <summary>Any 5xx response.</summary>
    [JsonStringEnumMemberName("5xx")]
    ServerError,

    /// <summary>The connection to the instance could not be made.</summary>
    ConnectFailure,

    /// <summary>The connection was reset or closed before a response.</summary>
    Reset,

    /// <summary>502, 503 or 504.</summary>
    GatewayError,
}

/// <summary>Retries may add at most <see cref="Percent"/> percent extra load, with a floor for quiet services.</summary>
public sealed record RetryBudget
{
    /// <summary>Maximum retries as a percentage of active requests, 1–100.</summary>
    public int Percent { get; init; } = 20;

    /// <summary>Retries per second always allowed, whatever the percentage gives.</summary>
    public int MinRetriesPerSecond { get; init; } = 3;
}

/// <summary>Ejects an instance that keeps failing.</summary>
public sealed record CircuitBreakerPolicy
{
    /// <summary>Consecutive 5xx responses that eject an instance, at least 1.</summary>
    public int Consecutive5xx { get; init; }

    /// <summary>Base ejection time in milliseconds; it grows with each repeated ejection.</summary>
    public int EjectionTimeMs { get; init; }

    /// <summary>At most this share of instances is ejected at once, 1–100.</summary>
    public int MaxEjectedPercent { get; init; } = 50;
}

/// <summary>A token bucket on calls to the service.</summary>
public sealed record RateLimitPolicy
{
    /// <summary>Tokens added each second, at least 1.</summary>
    public int TokensPerSecond { get; init; }

    /// <summary>Bucket size: how many calls may arrive at once, at least 1.</summary>
    public int Burst { get; init; }

    /// <summary>One bucket for all callers, or one per calling service.</summary>
    public RateLimitScope Scope { get; init; } = RateLimitScope.Global;
}

/// <summary>Which calls share one bucket.</summary>
public enum RateLimitScope
{
    /// <summary>All callers share one bucket.</summary>
    Global,

    /// <summary>Each calling service has its own bucket.</summary>
    PerSource,
}

/// <summary>How an instance is picked for each request.</summary>
public sealed record LoadBalancerPolicy
{
    /// <summary>The algorithm.</summary>
    public LoadBalancerKind Policy { get; init; } = LoadBalancerKind.RoundRobin;

    /// <summary>For consistent hashing: the request header whose value picks the instance.</summary>
    public string? HashHeader { get; init; }
}

/// <summary>A load-balancing algorithm.</summary>
public enum LoadBalancerKind
{
    /// <summary>Each instance in turn.</summary>
    RoundRobin,

    /// <summary>A random instance.</summary>
    Random,

    /// <summary>The less busy of two random instances (power of two choices).</summary>
    LeastRequest,

    /// <summary>The same header value always reaches the same instance.</summary>
    ConsistentHash,
}
