using Mesh.Policy.Validation;

namespace Mesh.Policy.Resilience;

/// <summary>Checks a <see cref="ResiliencePolicy"/> and reports every problem at once.</summary>
public static class ResiliencePolicyValidator
{
    /// <summary>Longest timeout accepted: ten minutes.</summary>
    public const int MaxTimeoutMs = 600_000;

    /// <summary>Every error in <paramref name="policy"/>; empty when it can be applied.</summary>
    public static IReadOnlyList<ValidationError> Validate(ResiliencePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new ErrorCollector();

        var timeoutMs = policy.TimeoutMs;
        if (timeoutMs is { } timeout && FieldRules.Range(timeout, 1, MaxTimeoutMs) is { } timeoutError)
        {
            errors.Add("timeoutMs", timeoutError);
            timeoutMs = null;
        }

        if (policy.Retries is { } retries)
            ValidateRetries(retries, timeoutMs, errors);
        if (policy.CircuitBreaker is { } breaker)
            ValidateCircuitBreaker(breaker, errors);
        if (policy.RateLimit is { } rateLimit)
            ValidateRateLimit(rateLimit, errors);
        if (policy.LoadBalancer is { } loadBalancer)
            ValidateLoadBalancer(loadBalancer, errors);

        return errors.Errors;
    }

    private static void ValidateRetries(RetryPolicy retries, int? timeoutMs, ErrorCollector errors)
    {
        if (FieldRules.Range(retries.Attempts, 1, 10) is { } attemptsError)
            errors.Add("retries.attempts", attemptsError);

        if (retries.PerTryTimeoutMs is { } perTry)
        {
            if (FieldRules.Range(perTry, 1, MaxTimeoutMs) is { } perTryError)
                errors.Add("retries.perTryTimeoutMs", perTryError);
            else if (timeoutMs is { } total && perTry > total)
                errors.Add("retries.perTryTimeoutMs", $"{perTry} exceeds the whole-request timeoutMs {total}");
        }

        if (retries.RetryOn is null || retries.RetryOn.Count == 0)
            errors.Add("retries.retryOn", "name at least one of 5xx, connect-failure, reset, gateway-error");
        else if (retries.RetryOn.Any(r => !Enum.IsDefined(r)))
            errors.Add("retries.retryOn", "names an unknown class; use 5xx, connect-failure, reset or gateway-error");
        else if (retries.RetryOn.Distinct().Count() != retries.RetryOn.Count)
            errors.Add("retries.retryOn", "lists a class twice");

        if (retries.Budget is { } budget)
        {
            if (FieldRules.Range(budget.Percent, 1, 100) is { } percentError)
                errors.Add("retries.budget.percent", percentError);
            if (FieldRules.Range(budget.MinRetriesPerSecond, 0, 10_000) is { } minError)
                errors.Add("retries.budget.minRetriesPerSecond", minError);
        }
    }

    private static void ValidateCircuitBreaker(CircuitBreakerPolicy breaker, ErrorCollector errors)
    {
        if (FieldRules.Range(breaker.Consecutive5xx, 1, 1000) is { } countError)
            errors.Add("circuitBreaker.consecutive5xx", countError);
        if (FieldRules.Range(breaker.EjectionTimeMs, 1, 3_600_000) is { } timeError)
            errors.Add("circuitBreaker.ejectionTimeMs", timeError);
        if (FieldRules.Range(breaker.MaxEjectedPercent, 1, 100) is { } percentError)
            errors.Add("circuitBreaker.maxEjectedPercent", percentError);
    }

    private static void ValidateRateLimit(RateLimitPolicy rateLimit, ErrorCollector errors)
    {
        if (FieldRules.Range(rateLimit.TokensPerSecond, 1, 1_000_000) is { } tokensError)
            errors.Add("rateLimit.tokensPerSecond", tokensError);
        if (FieldRules.Range(rateLimit.Burst, 1, 1_000_000) is { } burstError)
            errors.Add("rateLimit.burst", burstError);
        if (!Enum.IsDefined(rateLimit.Scope))
            errors.Add("rateLimit.scope", "must be global or per-source");
    }

    private static void ValidateLoadBalancer(LoadBalancerPolicy loadBalancer, ErrorCollector errors)
    {
        if (!Enum.IsDefined(loadBalancer.Policy))
            errors.Add("loadBalancer.policy", "must be round-robin, random, least-request or consistent-hash");
        else if (loadBalancer.Policy == LoadBalancerKind.ConsistentHash)
        {
            if (FieldRules.HeaderName(loadBalancer.HashHeader) is { } headerError)
                errors.Add("loadBalancer.hashHeader", loadBalancer.HashHeader is null ? "required for consistent-hash" : headerError);
        }
        else if (loadBalancer.HashHeader is not null)
        {
            errors.Add("loadBalancer.hashHeader", "only applies to consistent-hash");
        }
    }
}
