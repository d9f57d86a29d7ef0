using Mesh.Policy.Resilience;

namespace Mesh.Policy.Tests.Resilience;

public class ResiliencePolicyValidatorTests
{
    private static RetryPolicy Retries(int attempts = 3, int? perTryTimeoutMs = null) =>
        new() { Attempts = attempts, PerTryTimeoutMs = perTryTimeoutMs, RetryOn = [RetryOn.ServerError, RetryOn.ConnectFailure] };

    private static ResiliencePolicy Full() => new()
    {
        TimeoutMs = 2_000,
        Retries = Retries(perTryTimeoutMs: 500) with { Budget = new RetryBudget { Percent = 20, MinRetriesPerSecond = 3 } },
        CircuitBreaker = new CircuitBreakerPolicy { Consecutive5xx = 5, EjectionTimeMs = 30_000, MaxEjectedPercent = 50 },
        RateLimit = new RateLimitPolicy { TokensPerSecond = 100, Burst = 200, Scope = RateLimitScope.PerSource },
        LoadBalancer = new LoadBalancerPolicy { Policy = LoadBalancerKind.ConsistentHash, HashHeader = "x-user-id" },
    };

    [Fact]
    public void Validate_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ResiliencePolicyValidator.Validate(null!));
    }

    [Fact]
    public void Validate_EmptyPolicy_NoErrors()
    {
        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy());

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_EverySectionSetWell_NoErrors()
    {
        var errors = ResiliencePolicyValidator.Validate(Full());

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(600_000)]
    public void Validate_TimeoutAtBounds_NoErrors(int timeoutMs)
    {
        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { TimeoutMs = timeoutMs });

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(0, "0 is outside 1–600000")]
    [InlineData(600_001, "600001 is outside 1–600000")]
    public void Validate_TimeoutOutOfRange_ReportsTimeout(int timeoutMs, string reason)
    {
        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { TimeoutMs = timeoutMs });

        var error = Assert.Single(errors);
        Assert.Equal("timeoutMs", error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Validate_AttemptsAtBounds_NoErrors(int attempts)
    {
        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { Retries = Retries(attempts) });

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(0, "0 is outside 1–10")]
    [InlineData(11, "11 is outside 1–10")]
    public void Validate_AttemptsOutOfRange_ReportsAttempts(int attempts, string reason)
    {
        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { Retries = Retries(attempts) });

        var error = Assert.Single(errors);
        Assert.Equal("retries.attempts", error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void Validate_PerTryTimeoutAboveTimeout_ReportsPerTryTimeout()
    {
        var policy = new ResiliencePolicy { TimeoutMs = 1_000, Retries = Retries(perTryTimeoutMs: 1_500) };

        var errors = ResiliencePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("retries.perTryTimeoutMs", error.Field);
        Assert.Equal("1500 exceeds the whole-request timeoutMs 1000", error.Reason);
    }

    [Fact]
    public void Validate_PerTryTimeoutEqualToTimeout_NoErrors()
    {
        var policy = new ResiliencePolicy { TimeoutMs = 1_000, Retries = Retries(perTryTimeoutMs: 1_000) };

        var errors = ResiliencePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_PerTryTimeoutWithoutTimeout_NoErrors()
    {
        var policy = new ResiliencePolicy { Retries = Retries(perTryTimeoutMs: 600_000) };

        var errors = ResiliencePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(600_001)]
    public void Validate_PerTryTimeoutOutOfRange_ReportsPerTryTimeout(int perTryTimeoutMs)
    {
        var policy = new ResiliencePolicy { Retries = Retries(perTryTimeoutMs: perTryTimeoutMs) };

        var errors = ResiliencePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "retries.perTryTimeoutMs", $"{perTryTimeoutMs} is outside 1–600000");
    }

    [Fact]
    public void Validate_RetryOnEmpty_ReportsRetryOnNamingTheClasses()
    {
        var policy = new ResiliencePolicy { Retries = Retries() with { RetryOn = [] } };

        var errors = ResiliencePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("retries.retryOn", error.Field);
        Assert.Equal("name at least one of 5xx, connect-failure, reset, gateway-error", error.Reason);
    }

    [Fact]
    public void Validate_RetryOnNull_ReportsRetryOn()
    {
        var policy = new ResiliencePolicy { Retries = Retries() with { RetryOn = null! } };

        var errors = ResiliencePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "retries.retryOn", "name at least one of");
    }

    [Fact]
    public void Validate_RetryOnListsClassTwice_ReportsRetryOn()
    {
        var policy = new ResiliencePolicy
        {
            Retries = Retries() with { RetryOn = [RetryOn.Reset, RetryOn.GatewayError, RetryOn.Reset] },
        };

        var errors = ResiliencePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "retries.retryOn", "lists a class twice");
    }

    [Fact]
    public void Validate_RetryOnEveryClassOnce_NoErrors()
    {
        var policy = new ResiliencePolicy
        {
            Retries = Retries() with { RetryOn = [RetryOn.ServerError, RetryOn.ConnectFailure, RetryOn.Reset, RetryOn.GatewayError] },
        };

        var errors = ResiliencePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(0, 3, "retries.budget.percent", "0 is outside 1–100")]
    [InlineData(101, 3, "retries.budget.percent", "101 is outside 1–100")]
    [InlineData(20, -1, "retries.budget.minRetriesPerSecond", "-1 is outside 0–10000")]
    [InlineData(20, 10_001, "retries.budget.minRetriesPerSecond", "10001 is outside 0–10000")]
    public void Validate_BudgetOutOfRange_ReportsBudgetField(int percent, int minPerSecond, string field, string reason)
    {
        var budget = new RetryBudget { Percent = percent, MinRetriesPerSecond = minPerSecond };
        var policy = new ResiliencePolicy { Retries = Retries() with { Budget = budget } };

        var errors = ResiliencePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(100, 10_000)]
    public void Validate_BudgetAtBounds_NoErrors(int percent, int minPerSecond)
    {
        var budget = new RetryBudget { Percent = percent, MinRetriesPerSecond = minPerSecond };
        var policy = new ResiliencePolicy { Retries = Retries() with { Budget = budget } };

        var errors = ResiliencePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(0, 30_000, 50, "circuitBreaker.consecutive5xx", "0 is outside 1–1000")]
    [InlineData(1_001, 30_000, 50, "circuitBreaker.consecutive5xx", "1001 is outside 1–1000")]
    [InlineData(5, 0, 50, "circuitBreaker.ejectionTimeMs", "0 is outside 1–3600000")]
    [InlineData(5, 3_600_001, 50, "circuitBreaker.ejectionTimeMs", "3600001 is outside 1–3600000")]
    [InlineData(5, 30_000, 0, "circuitBreaker.maxEjectedPercent", "0 is outside 1–100")]
    [InlineData(5, 30_000, 101, "circuitBreaker.maxEjectedPercent", "101 is outside 1–100")]
    public void Validate_CircuitBreakerOutOfRange_ReportsThatField(int consecutive, int ejectionMs, int maxPercent, string field, string reason)
    {
        var breaker = new CircuitBreakerPolicy { Consecutive5xx = consecutive, EjectionTimeMs = ejectionMs, MaxEjectedPercent = maxPercent };

        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { CircuitBreaker = breaker });

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1_000, 3_600_000, 100)]
    public void Validate_CircuitBreakerAtBounds_NoErrors(int consecutive, int ejectionMs, int maxPercent)
    {
        var breaker = new CircuitBreakerPolicy { Consecutive5xx = consecutive, EjectionTimeMs = ejectionMs, MaxEjectedPercent = maxPercent };

        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { CircuitBreaker = breaker });

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(0, 10, "rateLimit.tokensPerSecond", "0 is outside 1–1000000")]
    [InlineData(1_000_001, 10, "rateLimit.tokensPerSecond", "1000001 is outside 1–1000000")]
    [InlineData(10, 0, "rateLimit.burst", "0 is outside 1–1000000")]
    [InlineData(10, 1_000_001, "rateLimit.burst", "1000001 is outside 1–1000000")]
    public void Validate_RateLimitOutOfRange_ReportsThatField(int tokens, int burst, string field, string reason)
    {
        var rateLimit = new RateLimitPolicy { TokensPerSecond = tokens, Burst = burst };

        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { RateLimit = rateLimit });

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1_000_000, 1_000_000)]
    public void Validate_RateLimitAtBounds_NoErrors(int tokens, int burst)
    {
        var rateLimit = new RateLimitPolicy { TokensPerSecond = tokens, Burst = burst };

        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { RateLimit = rateLimit });

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_ConsistentHashWithoutHashHeader_ReportsRequired()
    {
        var loadBalancer = new LoadBalancerPolicy { Policy = LoadBalancerKind.ConsistentHash };

        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { LoadBalancer = loadBalancer });

        var error = Assert.Single(errors);
        Assert.Equal("loadBalancer.hashHeader", error.Field);
        Assert.Equal("required for consistent-hash", error.Reason);
    }

    [Fact]
    public void Validate_ConsistentHashWithBadHashHeader_ReportsHeaderName()
    {
        var loadBalancer = new LoadBalancerPolicy { Policy = LoadBalancerKind.ConsistentHash, HashHeader = "x user" };

        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { LoadBalancer = loadBalancer });

        ErrorAssert.Single(errors, "loadBalancer.hashHeader", "\"x user\" is not a valid header name");
    }

    [Fact]
    public void Validate_ConsistentHashWithEmptyHashHeader_ReportsEmpty()
    {
        var loadBalancer = new LoadBalancerPolicy { Policy = LoadBalancerKind.ConsistentHash, HashHeader = "" };

        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { LoadBalancer = loadBalancer });

        ErrorAssert.Single(errors, "loadBalancer.hashHeader", "header name is empty");
    }

    [Theory]
    [InlineData(LoadBalancerKind.RoundRobin)]
    [InlineData(LoadBalancerKind.Random)]
    [InlineData(LoadBalancerKind.LeastRequest)]
    public void Validate_HashHeaderWithoutConsistentHash_ReportsOnlyApplies(LoadBalancerKind kind)
    {
        var loadBalancer = new LoadBalancerPolicy { Policy = kind, HashHeader = "x-user-id" };

        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { LoadBalancer = loadBalancer });

        var error = Assert.Single(errors);
        Assert.Equal("loadBalancer.hashHeader", error.Field);
        Assert.Equal("only applies to consistent-hash", error.Reason);
    }

    [Theory]
    [InlineData(LoadBalancerKind.RoundRobin)]
    [InlineData(LoadBalancerKind.Random)]
    [InlineData(LoadBalancerKind.LeastRequest)]
    public void Validate_OtherKindsWithoutHashHeader_NoErrors(LoadBalancerKind kind)
    {
        var loadBalancer = new LoadBalancerPolicy { Policy = kind };

        var errors = ResiliencePolicyValidator.Validate(new ResiliencePolicy { LoadBalancer = loadBalancer });

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_ThreeIndependentMistakes_ReportsAllThree()
    {
        var policy = Full() with
        {
            TimeoutMs = 0,
            CircuitBreaker = Full().CircuitBreaker! with { MaxEjectedPercent = 0 },
            LoadBalancer = new LoadBalancerPolicy { Policy = LoadBalancerKind.Random, HashHeader = "x-user-id" },
            Retries = Retries(),
        };

        var errors = ResiliencePolicyValidator.Validate(policy);

        Assert.Equal(3, errors.Count);
        ErrorAssert.Has(errors, "timeoutMs", "0 is outside 1–600000");
        ErrorAssert.Has(errors, "circuitBreaker.maxEjectedPercent", "0 is outside 1–100");
        ErrorAssert.Has(errors, "loadBalancer.hashHeader", "only applies to consistent-hash");
    }

    /// <summary>
    /// An enum value outside the defined members (possible through the typed API) must be reported
    /// like the access validator reports an undefined action; otherwise writing the canonical JSON
    /// later throws. Exposes a bug: the resilience validator does not check its enums.
    /// </summary>
    [Theory]
    [InlineData("retries.retryOn")]
    [InlineData("rateLimit.scope")]
    [InlineData("loadBalancer.policy")]
    public void Validate_UndefinedEnumValue_ReportsThatField(string field)
    {
        var policy = field switch
        {
            "retries.retryOn" => new ResiliencePolicy { Retries = Retries() with { RetryOn = [(RetryOn)42] } },
            "rateLimit.scope" => new ResiliencePolicy
            {
                RateLimit = new RateLimitPolicy { TokensPerSecond = 1, Burst = 1, Scope = (RateLimitScope)42 },
            },
            _ => new ResiliencePolicy { LoadBalancer = new LoadBalancerPolicy { Policy = (LoadBalancerKind)42 } },
        };

        var errors = ResiliencePolicyValidator.Validate(policy);

        Assert.Contains(errors, e => e.Field.StartsWith(field, StringComparison.Ordinal));
    }
}
