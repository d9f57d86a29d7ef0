using Mesh.Policy.Faults;
using Mesh.Policy.Routing;

namespace Mesh.Policy.Tests.Faults;

public class CompiledFaultPolicyTests
{
    private static readonly DateTimeOffset _now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Func<string, string?> _noHeaders = _ => null;

    private static FaultDelay Delay(int fixedMs = 200, double percent = 100) => new() { FixedMs = fixedMs, Percent = percent };

    private static FaultAbort HttpAbort(int status = 503, double percent = 100) => new() { HttpStatus = status, Percent = percent };

    private static FaultRule DelayRule(string? name = null, FaultMatch? match = null, int fixedMs = 200, double percent = 100) => new()
    {
        Name = name,
        Match = match,
        Delay = Delay(fixedMs, percent),
        ExpiresAt = _now.AddHours(1),
    };

    private static FaultMatch HeaderMatch(string header, StringMatch match) =>
        new() { Headers = new Dictionary<string, StringMatch> { [header] = match } };

    private static CompiledFaultPolicy Compile(params FaultRule[] faults) => new(new FaultPolicy { Faults = faults });

    /// <summary>A policy whose only fault needs <paramref name="header"/> to meet <paramref name="match"/>.</summary>
    private static CompiledFaultPolicy HeaderPolicy(string header, StringMatch match) =>
        Compile(DelayRule(match: HeaderMatch(header, match)));

    private static Func<string, string?> Headers(params (string Name, string Value)[] headers) =>
        name => headers.Where(h => h.Name == name).Select(h => h.Value).FirstOrDefault();

    private static FaultDecision? Decide(CompiledFaultPolicy policy, Func<string, string?>? headers = null, string source = "frontend", double delayRoll = 0, double abortRoll = 0) =>
        policy.Decide(headers ?? _noHeaders, source, _now, delayRoll, abortRoll);

    [Fact]
    public void Decide_NoFaults_ReturnsNull()
    {
        var policy = Compile();

        var decision = Decide(policy);

        Assert.Null(decision);
    }

    [Fact]
    public void Decide_TwoFaultsBothMatching_FirstWins()
    {
        var policy = Compile(DelayRule("first", fixedMs: 100), DelayRule("second", fixedMs: 900));

        var decision = Decide(policy);

        Assert.NotNull(decision);
        Assert.Equal("first", decision.Fault);
        Assert.Equal(TimeSpan.FromMilliseconds(100), decision.Delay);
    }

    [Fact]
    public void Decide_FirstMatchingFaultRollsMiss_LaterFaultNotConsulted()
    {
        var policy = Compile(
            new FaultRule { Name = "first", Delay = Delay(percent: 10), Abort = HttpAbort(percent: 10), ExpiresAt = _now.AddHours(1) },
            DelayRule("second", percent: 100));

        var decision = Decide(policy, delayRoll: 50, abortRoll: 50);

        Assert.Null(decision);
    }

    [Fact]
    public void Decide_FirstFaultNotMatching_SecondApplies()
    {
        var policy = Compile(
            DelayRule("beta-only", HeaderMatch("x-user-group", new StringMatch { Exact = "beta" })),
            DelayRule("everyone"));

        var decision = Decide(policy);

        Assert.NotNull(decision);
        Assert.Equal("everyone", decision.Fault);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Decide_FirstFaultExpired_SkippedAndNextApplies(int minutesAfterNow)
    {
        // Expiry is inclusive: at exactly expiresAt the fault is already over.
        var expired = DelayRule("expired", fixedMs: 100) with { ExpiresAt = _now.AddMinutes(minutesAfterNow) };
        var policy = Compile(expired, DelayRule("live", fixedMs: 900));

        var decision = Decide(policy);

        Assert.NotNull(decision);
        Assert.Equal("live", decision.Fault);
        Assert.Equal(TimeSpan.FromMilliseconds(900), decision.Delay);
    }

    [Fact]
    public void Decide_FaultExpiringLater_Applies()
    {
        var policy = Compile(DelayRule("soon") with { ExpiresAt = _now.AddTicks(1) });

        var decision = Decide(policy);

        Assert.NotNull(decision);
        Assert.Equal("soon", decision.Fault);
    }

    [Fact]
    public void Decide_FaultWithoutExpiry_Applies()
    {
        var policy = Compile(DelayRule("forever") with { ExpiresAt = null });

        var decision = Decide(policy);

        Assert.NotNull(decision);
        Assert.Equal("forever", decision.Fault);
    }

    [Theory]
    [InlineData("frontend", true)]
    [InlineData("checkout", false)]
    [InlineData("Frontend", false)]
    public void Decide_SourceService_MatchesOnlyEqualServiceOrdinally(string caller, bool matches)
    {
        var policy = Compile(DelayRule(match: new FaultMatch { SourceService = "frontend" }));

        var decision = Decide(policy, source: caller);

        Assert.Equal(matches, decision is not null);
    }

    [Fact]
    public void Decide_EmptyMatch_AppliesToEveryRequest()
    {
        var policy = Compile(DelayRule(match: new FaultMatch()));

        var decision = Decide(policy, source: "anyone");

        Assert.NotNull(decision);
    }

    [Theory]
    [InlineData("beta", true)]
    [InlineData("Beta", false)]
    [InlineData("beta2", false)]
    [InlineData("", false)]
    public void Decide_ExactHeader_MatchesOnlyEqualValueCaseSensitively(string value, bool matches)
    {
        var policy = HeaderPolicy("x-user-group", new StringMatch { Exact = "beta" });

        var decision = Decide(policy, Headers(("x-user-group", value)));

        Assert.Equal(matches, decision is not null);
    }

    [Theory]
    [InlineData("beta", true)]
    [InlineData("beta-users", true)]
    [InlineData("be", false)]
    [InlineData("not-beta", false)]
    public void Decide_PrefixHeader_MatchesValuesStartingWithPrefix(string value, bool matches)
    {
        var policy = HeaderPolicy("x-user-group", new StringMatch { Prefix = "beta" });

        var decision = Decide(policy, Headers(("x-user-group", value)));

        Assert.Equal(matches, decision is not null);
    }

    [Theory]
    [InlineData("beta", "beta", true)]
    [InlineData("be.*", "beta-users", true)]
    [InlineData("beta", "not-beta", false)]
    [InlineData("beta", "beta-users", false)]
    [InlineData("[0-9]+", "abc123", false)]
    public void Decide_RegexHeader_MustMatchTheWholeValue(string pattern, string value, bool matches)
    {
        // As Envoy's safe_regex: a pattern that matches only part of the value does not match.
        var policy = HeaderPolicy("x-user-group", new StringMatch { Regex = pattern });

        var decision = Decide(policy, Headers(("x-user-group", value)));

        Assert.Equal(matches, decision is not null);
    }

    [Theory]
    [InlineData("exact")]
    [InlineData("prefix")]
    [InlineData("regex")]
    public void Decide_HeaderConditionButHeaderAbsent_FaultDoesNotApply(string which)
    {
        var match = which switch
        {
            "exact" => new StringMatch { Exact = "beta" },
            "prefix" => new StringMatch { Prefix = "be" },
            _ => new StringMatch { Regex = ".*" },
        };
        var policy = HeaderPolicy("x-user-group", match);

        var decision = Decide(policy, Headers(("x-other", "beta")));

        Assert.Null(decision);
    }

    [Fact]
    public void Decide_SourceAndHeader_BothMustHold()
    {
        var match = new FaultMatch
        {
            SourceService = "frontend",
            Headers = new Dictionary<string, StringMatch> { ["x-user-group"] = new() { Exact = "beta" } },
        };
        var policy = Compile(DelayRule(match: match));
        var beta = Headers(("x-user-group", "beta"));

        Assert.NotNull(Decide(policy, beta, "frontend"));
        Assert.Null(Decide(policy, beta, "checkout"));
        Assert.Null(Decide(policy, _noHeaders, "frontend"));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(24.999, true)]
    [InlineData(25, false)]
    [InlineData(99.999, false)]
    public void Decide_DelayRoll_DelaysOnlyBelowPercent(double roll, bool delayed)
    {
        var policy = Compile(DelayRule("slow", fixedMs: 300, percent: 25));

        var decision = Decide(policy, delayRoll: roll);

        if (delayed)
        {
            Assert.NotNull(decision);
            Assert.Equal(TimeSpan.FromMilliseconds(300), decision.Delay);
            Assert.Null(decision.Abort);
        }
        else
        {
            Assert.Null(decision);
        }
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(9.5, true)]
    [InlineData(10, false)]
    [InlineData(50, false)]
    public void Decide_AbortRollWithHttpStatus_AbortsOnlyBelowPercent(double roll, bool aborted)
    {
        var abort = HttpAbort(503, percent: 10);
        var policy = Compile(new FaultRule { Name = "unavailable", Abort = abort, ExpiresAt = _now.AddHours(1) });

        var decision = Decide(policy, abortRoll: roll);

        if (aborted)
        {
            Assert.NotNull(decision);
            Assert.NotNull(decision.Abort);
            Assert.Same(abort, decision.Abort);
            Assert.Equal(503, decision.Abort.HttpStatus);
            Assert.Null(decision.Abort.GrpcStatus);
            Assert.Equal(TimeSpan.Zero, decision.Delay);
        }
        else
        {
            Assert.Null(decision);
        }
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(49.9, true)]
    [InlineData(50, false)]
    public void Decide_AbortRollWithGrpcStatus_AbortsOnlyBelowPercent(double roll, bool aborted)
    {
        var abort = new FaultAbort { GrpcStatus = 14, Percent = 50 };
        var policy = Compile(new FaultRule { Name = "grpc-unavailable", Abort = abort, ExpiresAt = _now.AddHours(1) });

        var decision = Decide(policy, abortRoll: roll);

        if (aborted)
        {
            Assert.NotNull(decision);
            Assert.NotNull(decision.Abort);
            Assert.Same(abort, decision.Abort);
            Assert.Equal(14, decision.Abort.GrpcStatus);
            Assert.Null(decision.Abort.HttpStatus);
            Assert.Equal(TimeSpan.Zero, decision.Delay);
        }
        else
        {
            Assert.Null(decision);
        }
    }

    [Fact]
    public void Decide_AbortWithPercentHundred_AbortsAtHighestRoll()
    {
        var policy = Compile(new FaultRule { Abort = HttpAbort(percent: 100), ExpiresAt = _now.AddHours(1) });

        var decision = Decide(policy, abortRoll: 99.999);

        Assert.NotNull(decision);
        Assert.NotNull(decision.Abort);
    }

    [Fact]
    public void Decide_DelayAndAbortBothHit_DecisionCarriesBoth()
    {
        var abort = HttpAbort(500, percent: 30);
        var policy = Compile(new FaultRule { Name = "chaos", Delay = Delay(1500, percent: 30), Abort = abort, ExpiresAt = _now.AddHours(1) });

        var decision = Decide(policy, delayRoll: 10, abortRoll: 20);

        Assert.NotNull(decision);
        Assert.Equal(new FaultDecision("chaos", TimeSpan.FromMilliseconds(1500), abort), decision);
    }

    [Fact]
    public void Decide_DelayAndAbortRolledIndependently_EachAppliesOnItsOwnRoll()
    {
        var abort = HttpAbort(500, percent: 30);
        var policy = Compile(new FaultRule { Name = "chaos", Delay = Delay(1500, percent: 30), Abort = abort, ExpiresAt = _now.AddHours(1) });

        var delayOnly = Decide(policy, delayRoll: 10, abortRoll: 30);
        var abortOnly = Decide(policy, delayRoll: 30, abortRoll: 10);

        Assert.Equal(new FaultDecision("chaos", TimeSpan.FromMilliseconds(1500), null), delayOnly);
        Assert.Equal(new FaultDecision("chaos", TimeSpan.Zero, abort), abortOnly);
    }

    [Fact]
    public void Decide_NamedFault_DecisionCarriesItsName()
    {
        var policy = Compile(DelayRule("latency-experiment"));

        var decision = Decide(policy);

        Assert.NotNull(decision);
        Assert.Equal("latency-experiment", decision.Fault);
    }

    [Fact]
    public void Decide_UnnamedFault_DecisionCarriesItsIndex()
    {
        var policy = Compile(
            DelayRule(match: new FaultMatch { SourceService = "nobody" }),
            DelayRule("named", new FaultMatch { SourceService = "nobody" }),
            DelayRule());

        var decision = Decide(policy);

        Assert.NotNull(decision);
        Assert.Equal("faults[2]", decision.Fault);
    }

    [Fact]
    public void Decide_NullHeaderFunc_ThrowsArgumentNull()
    {
        var policy = Compile(DelayRule());

        Assert.Throws<ArgumentNullException>(() => policy.Decide(null!, "frontend", _now, 0, 0));
    }

    [Fact]
    public void Constructor_NullPolicy_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new CompiledFaultPolicy(null!));
    }

    [Fact]
    public void Policy_AfterCompile_IsTheSourcePolicy()
    {
        var source = new FaultPolicy { Faults = [DelayRule()] };

        var policy = new CompiledFaultPolicy(source);

        Assert.Same(source, policy.Policy);
    }
}
