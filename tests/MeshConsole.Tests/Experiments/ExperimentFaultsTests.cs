using Mesh.Policy.Faults;
using Mesh.Policy.Validation;
using Mesh.Store.Entities;
using MeshConsole.Experiments;

namespace MeshConsole.Tests.Experiments;

public sealed class ExperimentFaultsTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Rule_FromAnExperiment_NamedAfterItAndExpiringAtItsEnd()
    {
        var rule = ExperimentFaults.Rule(new Experiment
        {
            Id = 12,
            Target = "payments",
            SourceService = "orders",
            HeaderName = "x-chaos",
            HeaderValue = "on",
            DelayMs = 300,
            DelayPercent = 50,
            AbortGrpcStatus = 14,
            AbortPercent = 10,
            EndsAt = _now.AddMinutes(5),
        });

        Assert.Equal("exp-12", rule.Name);
        Assert.Equal(_now.AddMinutes(5), rule.ExpiresAt);
        Assert.Equal("orders", rule.Match!.SourceService);
        Assert.Equal("on", rule.Match.Headers["x-chaos"].Exact);
        Assert.Equal(new FaultDelay { FixedMs = 300, Percent = 50 }, rule.Delay);
        Assert.Equal(new FaultAbort { GrpcStatus = 14, Percent = 10 }, rule.Abort);
        Assert.Empty(new FaultPolicyValidator(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(_now)).Validate(new FaultPolicy { Faults = [rule] }));
    }

    [Fact]
    public void With_KeepsOtherLiveFaults_DropsExpiredOnes_AddsLast()
    {
        var current = new FaultPolicy { Faults = [Fault("slow", _now.AddHours(1)), Fault("old", _now.AddSeconds(-1)), Fault("exp-3", _now.AddHours(1))] };

        var policy = ExperimentFaults.With(current, Fault("exp-3", _now.AddMinutes(5)), _now);

        Assert.Equal(["slow", "exp-3"], policy.Faults.Select(f => f.Name));
        Assert.Equal(_now.AddMinutes(5), policy.Faults[1].ExpiresAt);
    }

    [Fact]
    public void Without_TakesOnlyItsRuleOut()
    {
        var current = new FaultPolicy { Faults = [Fault("slow", _now.AddHours(1)), Fault("exp-3", _now.AddMinutes(5))] };

        var rest = ExperimentFaults.Without(current, "exp-3", _now, out var found);

        Assert.True(found);
        Assert.Equal(["slow"], rest!.Faults.Select(f => f.Name));
    }

    [Fact]
    public void Without_LastRuleGone_NullToDeleteThePolicy()
    {
        var rest = ExperimentFaults.Without(new FaultPolicy { Faults = [Fault("exp-3", _now)] }, "exp-3", _now, out var found);

        Assert.True(found);
        Assert.Null(rest);
    }

    [Fact]
    public void Without_RuleAbsent_NotFound()
    {
        ExperimentFaults.Without(null, "exp-3", _now, out var none);
        ExperimentFaults.Without(new FaultPolicy { Faults = [Fault("slow", _now.AddHours(1))] }, "exp-3", _now, out var other);

        Assert.False(none);
        Assert.False(other);
    }

    [Theory]
    [InlineData("faults[2].delay.fixedMs", "delayMs")]
    [InlineData("faults[2].abort", "abortHttpStatus")]
    [InlineData("faults[2].abort.percent", "abortPercent")]
    [InlineData("faults[2].match.headers.x-chaos", "headerName")]
    [InlineData("faults[2].expiresAt", "durationSeconds")]
    [InlineData("faults[2]", "fault")]
    [InlineData("faults[0].expiresAt", "faults[0].expiresAt")]
    [InlineData("reason", "reason")]
    public void ToRequestField_ErrorsOfItsRule_NameTheFormsFields(string path, string field) =>
        Assert.Equal(field, ExperimentFaults.ToRequestField(new ValidationError(path, "bad"), 2).Field);

    private static FaultRule Fault(string name, DateTimeOffset expiresAt) =>
        new() { Name = name, Abort = new FaultAbort { HttpStatus = 503, Percent = 5 }, ExpiresAt = expiresAt };
}
