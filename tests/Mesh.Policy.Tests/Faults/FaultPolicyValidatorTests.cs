using Mesh.Policy.Faults;
using Mesh.Policy.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Policy.Tests.Faults;

public class FaultPolicyValidatorTests
{
    private static readonly DateTimeOffset _now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(_now);

    private FaultPolicyValidator Validator() => new(_time);

    private static FaultRule Delay(int fixedMs = 200, double percent = 50) => new()
    {
        Delay = new FaultDelay { FixedMs = fixedMs, Percent = percent },
        ExpiresAt = _now.AddHours(1),
    };

    private static FaultRule Abort(int? httpStatus = 503, int? grpcStatus = null, double percent = 10) => new()
    {
        Abort = new FaultAbort { HttpStatus = httpStatus, GrpcStatus = grpcStatus, Percent = percent },
        ExpiresAt = _now.AddHours(1),
    };

    private static FaultPolicy Policy(params FaultRule[] faults) => new() { Faults = faults };

    [Fact]
    public void Validate_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Validator().Validate(null!));
    }

    [Fact]
    public void Validate_NoFaults_NoErrors()
    {
        var errors = Validator().Validate(Policy());

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_DelayAbortAndMatch_NoErrors()
    {
        var fault = new FaultRule
        {
            Name = "chaos-42",
            Match = new FaultMatch
            {
                SourceService = "web",
                Headers = new Dictionary<string, StringMatch> { ["x-chaos"] = new() { Exact = "on" } },
            },
            Delay = new FaultDelay { FixedMs = 1_000, Percent = 100 },
            Abort = new FaultAbort { GrpcStatus = 14, Percent = 0.5 },
            ExpiresAt = _now.AddDays(2),
        };

        var errors = Validator().Validate(Policy(fault));

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_FaultsNull_ReportsFaults()
    {
        var errors = Validator().Validate(new FaultPolicy { Faults = null! });

        ErrorAssert.Single(errors, "faults", "must not be null");
    }

    [Fact]
    public void Validate_NullFault_ReportsItsIndex()
    {
        var errors = Validator().Validate(Policy(Delay(), null!));

        ErrorAssert.Single(errors, "faults[1]", "must not be null");
    }

    [Fact]
    public void Validate_ExpiresAtMissing_ReportsRequired()
    {
        var policy = Policy(Delay() with { ExpiresAt = null });

        var errors = Validator().Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("faults[0].expiresAt", error.Field);
        Assert.Equal("required: every fault must end", error.Reason);
    }

    [Fact]
    public void Validate_ExpiresAtInThePast_ReportsNotInFuture()
    {
        var policy = Policy(Delay() with { ExpiresAt = _now.AddSeconds(-1) });

        var errors = Validator().Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("faults[0].expiresAt", error.Field);
        Assert.Equal("2029-12-31T23:59:59.0000000+00:00 is not in the future", error.Reason);
    }

    [Fact]
    public void Validate_ExpiresAtExactlyNow_ReportsNotInFuture()
    {
        var policy = Policy(Delay() with { ExpiresAt = _now });

        var errors = Validator().Validate(policy);

        ErrorAssert.Single(errors, "faults[0].expiresAt", "is not in the future");
    }

    [Fact]
    public void Validate_ExpiresAtJustAfterNow_NoErrors()
    {
        var policy = Policy(Delay() with { ExpiresAt = _now.AddSeconds(1) });

        var errors = Validator().Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_ExpiresAtExactlySevenDaysAway_NoErrors()
    {
        var policy = Policy(Delay() with { ExpiresAt = _now.AddDays(7) });

        var errors = Validator().Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_ExpiresAtMoreThanSevenDaysAway_ReportsTooFar()
    {
        var policy = Policy(Delay() with { ExpiresAt = _now.AddDays(7).AddSeconds(1) });

        var errors = Validator().Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("faults[0].expiresAt", error.Field);
        Assert.Equal("2030-01-08T00:00:01.0000000+00:00 is more than 7 days away", error.Reason);
    }

    [Fact]
    public void Validate_ExpiresAtInOtherOffset_ComparedAsInstant()
    {
        // 2030-01-01T01:00+02:00 is 2029-12-31T23:00Z: an hour before the clock.
        var policy = Policy(Delay() with { ExpiresAt = new DateTimeOffset(2030, 1, 1, 1, 0, 0, TimeSpan.FromHours(2)) });

        var errors = Validator().Validate(policy);

        ErrorAssert.Single(errors, "faults[0].expiresAt", "is not in the future");
    }

    [Fact]
    public void Validate_ClockPassesExpiry_FaultNoLongerValid()
    {
        var policy = Policy(Delay() with { ExpiresAt = _now.AddHours(1) });
        var validator = Validator();
        var before = validator.Validate(policy);

        _time.Advance(TimeSpan.FromHours(2));
        var after = validator.Validate(policy);

        Assert.Empty(before);
        ErrorAssert.Single(after, "faults[0].expiresAt", "is not in the future");
    }

    [Fact]
    public void Validate_NeitherDelayNorAbort_ReportsFault()
    {
        var policy = Policy(new FaultRule { ExpiresAt = _now.AddHours(1) });

        var errors = Validator().Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("faults[0]", error.Field);
        Assert.Equal("set a delay, an abort or both", error.Reason);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(599)]
    public void Validate_AbortHttpStatusAtBounds_NoErrors(int status)
    {
        var errors = Validator().Validate(Policy(Abort(httpStatus: status)));

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void Validate_AbortGrpcStatusAtBounds_NoErrors(int status)
    {
        var errors = Validator().Validate(Policy(Abort(httpStatus: null, grpcStatus: status)));

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_AbortWithBothStatuses_ReportsAbort()
    {
        var errors = Validator().Validate(Policy(Abort(httpStatus: 503, grpcStatus: 14)));

        var error = Assert.Single(errors);
        Assert.Equal("faults[0].abort", error.Field);
        Assert.Equal("set exactly one of httpStatus or grpcStatus", error.Reason);
    }

    [Fact]
    public void Validate_AbortWithNoStatus_ReportsAbort()
    {
        var errors = Validator().Validate(Policy(Abort(httpStatus: null, grpcStatus: null)));

        ErrorAssert.Single(errors, "faults[0].abort", "set exactly one of httpStatus or grpcStatus");
    }

    [Theory]
    [InlineData(399, "399 is outside 400–599")]
    [InlineData(600, "600 is outside 400–599")]
    [InlineData(200, "200 is outside 400–599")]
    public void Validate_AbortHttpStatusOutOfRange_ReportsHttpStatus(int status, string reason)
    {
        var errors = Validator().Validate(Policy(Abort(httpStatus: status)));

        var error = Assert.Single(errors);
        Assert.Equal("faults[0].abort.httpStatus", error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(0, "0 is outside 1–16")]
    [InlineData(17, "17 is outside 1–16")]
    public void Validate_AbortGrpcStatusOutOfRange_ReportsGrpcStatus(int status, string reason)
    {
        var errors = Validator().Validate(Policy(Abort(httpStatus: null, grpcStatus: status)));

        var error = Assert.Single(errors);
        Assert.Equal("faults[0].abort.grpcStatus", error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100.01)]
    public void Validate_AbortPercentOutOfBounds_ReportsAbortPercent(double percent)
    {
        var errors = Validator().Validate(Policy(Abort(percent: percent)));

        ErrorAssert.Single(errors, "faults[0].abort.percent", "is not above 0 and at most 100");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(150)]
    public void Validate_DelayPercentOutOfBounds_ReportsDelayPercent(double percent)
    {
        var errors = Validator().Validate(Policy(Delay(percent: percent)));

        var error = Assert.Single(errors);
        Assert.Equal("faults[0].delay.percent", error.Field);
        Assert.EndsWith("is not above 0 and at most 100", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(100)]
    public void Validate_PercentAtBounds_NoErrors(double percent)
    {
        var errors = Validator().Validate(Policy(Delay(percent: percent), Abort(percent: percent)));

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(0, "0 is outside 1–60000")]
    [InlineData(60_001, "60001 is outside 1–60000")]
    public void Validate_DelayFixedMsOutOfRange_ReportsFixedMs(int fixedMs, string reason)
    {
        var errors = Validator().Validate(Policy(Delay(fixedMs: fixedMs)));

        var error = Assert.Single(errors);
        Assert.Equal("faults[0].delay.fixedMs", error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(60_000)]
    public void Validate_DelayFixedMsAtBounds_NoErrors(int fixedMs)
    {
        var errors = Validator().Validate(Policy(Delay(fixedMs: fixedMs)));

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_FaultNameNotDnsLabel_ReportsName()
    {
        var errors = Validator().Validate(Policy(Delay() with { Name = "Chaos Monkey" }));

        ErrorAssert.Single(errors, "faults[0].name", "is not a DNS label");
    }

    [Fact]
    public void Validate_TwoFaultsWithSameName_ReportsTheSecond()
    {
        var errors = Validator().Validate(Policy(Delay() with { Name = "exp-1" }, Abort() with { Name = "exp-1" }));

        var error = Assert.Single(errors);
        Assert.Equal("faults[1].name", error.Field);
        Assert.Equal("\"exp-1\" is used by another fault", error.Reason);
    }

    [Fact]
    public void Validate_MatchSourceServiceNotDnsLabel_ReportsSourceService()
    {
        var fault = Delay() with { Match = new FaultMatch { SourceService = "Web" } };

        var errors = Validator().Validate(Policy(fault));

        ErrorAssert.Single(errors, "faults[0].match.sourceService", "is not a DNS label");
    }

    [Fact]
    public void Validate_MatchHeaderWithInvalidRegex_ReportsRegexUnderHeaderKey()
    {
        var headers = new Dictionary<string, StringMatch> { ["x-a"] = new() { Regex = "[" } };
        var fault = Delay() with { Match = new FaultMatch { Headers = headers } };

        var errors = Validator().Validate(Policy(fault));

        var error = Assert.Single(errors);
        Assert.Equal("faults[0].match.headers[\"x-a\"].regex", error.Field);
        Assert.StartsWith("invalid pattern (", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MatchHeadersNull_ReportsHeaders()
    {
        var fault = Delay() with { Match = new FaultMatch { Headers = null! } };

        var errors = Validator().Validate(Policy(fault));

        ErrorAssert.Single(errors, "faults[0].match.headers", "must not be null");
    }

    [Fact]
    public void Validate_ThreeIndependentMistakes_ReportsAllThree()
    {
        var policy = Policy(
            Delay() with { ExpiresAt = null },
            Abort(httpStatus: 302),
            Delay(percent: 0));

        var errors = Validator().Validate(policy);

        Assert.Equal(3, errors.Count);
        ErrorAssert.Has(errors, "faults[0].expiresAt", "required");
        ErrorAssert.Has(errors, "faults[1].abort.httpStatus", "302 is outside 400–599");
        ErrorAssert.Has(errors, "faults[2].delay.percent", "is not above 0 and at most 100");
    }
}
