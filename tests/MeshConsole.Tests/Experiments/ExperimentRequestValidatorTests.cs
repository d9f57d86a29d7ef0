using MeshConsole.Experiments;

namespace MeshConsole.Tests.Experiments;

public sealed class ExperimentRequestValidatorTests
{
    internal static ExperimentRequest Valid => new()
    {
        Name = "payments down",
        Target = "payments",
        AbortHttpStatus = 503,
        AbortPercent = 100,
        DurationSeconds = 300,
        ConditionSource = "orders",
        ConditionDestination = "payments",
        ConditionErrorPercent = 20,
        ConditionForSeconds = 10,
        Reason = "game day",
    };

    [Fact]
    public void Validate_AValidRequest_NoErrors() => Assert.Empty(ExperimentRequestValidator.Validate(Valid));

    [Fact]
    public void Validate_NoConditionAndDelayOnly_NoErrors() =>
        Assert.Empty(ExperimentRequestValidator.Validate(Valid with
        {
            AbortHttpStatus = null,
            AbortPercent = null,
            DelayMs = 300,
            DelayPercent = 50,
            ConditionSource = null,
            ConditionDestination = null,
            ConditionErrorPercent = null,
            ConditionForSeconds = null,
        }));

    public static TheoryData<string, ExperimentRequest> BadRequests => new()
    {
        { "name", Valid with { Name = " " } },
        { "name", Valid with { Name = new string('x', 101) } },
        { "target", Valid with { Target = null } },
        { "target", Valid with { Target = "Payments!" } },
        { "sourceService", Valid with { SourceService = "under_score" } },
        { "headerName", Valid with { HeaderName = "bad header", HeaderValue = "x" } },
        { "headerName", Valid with { HeaderValue = "on" } },
        { "headerValue", Valid with { HeaderName = "x-chaos" } },
        { "headerValue", Valid with { HeaderName = "x-chaos", HeaderValue = new string('v', 201) } },
        { "fault", Valid with { AbortHttpStatus = null, AbortPercent = null } },
        { "delayMs", Valid with { DelayMs = 0, DelayPercent = 10 } },
        { "delayMs", Valid with { DelayMs = 60_001, DelayPercent = 10 } },
        { "delayMs", Valid with { DelayPercent = 10 } },
        { "delayPercent", Valid with { DelayMs = 100 } },
        { "delayPercent", Valid with { DelayMs = 100, DelayPercent = 0 } },
        { "abortHttpStatus", Valid with { AbortHttpStatus = 200 } },
        { "abortHttpStatus", Valid with { AbortGrpcStatus = 14 } },
        { "abortHttpStatus", Valid with { AbortHttpStatus = null } },
        { "abortGrpcStatus", Valid with { AbortHttpStatus = null, AbortGrpcStatus = 17 } },
        { "abortPercent", Valid with { AbortPercent = null } },
        { "abortPercent", Valid with { AbortPercent = 100.5 } },
        { "durationSeconds", Valid with { DurationSeconds = null } },
        { "durationSeconds", Valid with { DurationSeconds = 9 } },
        { "durationSeconds", Valid with { DurationSeconds = 7 * 24 * 3600 + 1 } },
        { "conditionSource", Valid with { ConditionSource = null } },
        { "conditionDestination", Valid with { ConditionDestination = "-x" } },
        { "conditionErrorPercent", Valid with { ConditionErrorPercent = 100 } },
        { "conditionErrorPercent", Valid with { ConditionErrorPercent = 0 } },
        { "conditionErrorPercent", Valid with { ConditionErrorPercent = null } },
        { "conditionForSeconds", Valid with { ConditionForSeconds = 5 } },
        { "conditionForSeconds", Valid with { ConditionForSeconds = 3601 } },
        { "reason", Valid with { Reason = "" } },
        { "reason", Valid with { Reason = new string('r', 2001) } },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Validate_BadField_NamesThatFieldOnly(string field, ExperimentRequest request)
    {
        var errors = ExperimentRequestValidator.Validate(request);

        Assert.Equal([field], errors.Select(e => e.Field).Distinct());
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEveryFieldAtOnce()
    {
        var errors = ExperimentRequestValidator.Validate(new ExperimentRequest { ConditionForSeconds = 1 });

        Assert.Equal(
            ["name", "target", "fault", "durationSeconds", "conditionSource", "conditionDestination", "conditionErrorPercent", "conditionForSeconds", "reason"],
            errors.Select(e => e.Field));
    }
}
