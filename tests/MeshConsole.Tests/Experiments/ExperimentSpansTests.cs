using MeshConsole.Experiments;

namespace MeshConsole.Tests.Experiments;

public sealed class ExperimentSpansTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void BeforeSpan_AsLongAsTheRun_EndingAtItsStart()
    {
        var before = ExperimentFigures.BeforeSpan(_t0, _t0.AddSeconds(45));

        Assert.Equal((_t0.AddSeconds(-45), _t0), before);
    }

    [Fact]
    public void AfterSpan_AsLongAsTheRun_AtMostAnHour()
    {
        Assert.Equal((_t0.AddMinutes(5), _t0.AddMinutes(10)), ExperimentFigures.AfterSpan(_t0, _t0.AddMinutes(5)));
        Assert.Equal((_t0.AddHours(3), _t0.AddHours(4)), ExperimentFigures.AfterSpan(_t0, _t0.AddHours(3)));
    }

    [Fact]
    public void ChartSpans_WholeBucketsFromTheStartsBucket_LastOneFilling()
    {
        var spans = ChartSpans.Of(_t0.AddSeconds(3), _t0.AddSeconds(25));

        Assert.Equal(
            [(_t0, _t0.AddSeconds(10)), (_t0.AddSeconds(10), _t0.AddSeconds(20)), (_t0.AddSeconds(20), _t0.AddSeconds(25))],
            spans);
    }

    [Fact]
    public void ChartSpans_LongRun_AtMostMaxPointsOfWholeBuckets()
    {
        var spans = ChartSpans.Of(_t0, _t0.AddHours(1), maxPoints: 30);

        Assert.Equal(30, spans.Count);
        Assert.All(spans, s => Assert.Equal(TimeSpan.FromMinutes(2), s.To - s.From));
    }

    [Fact]
    public void Figures_RoundTripThroughJson()
    {
        var calls = new MeshConsole.Telemetry.Aggregation.CallFigures(10, 2, 1, 20, 3.5, 9.9);
        var figures = new ExperimentFigures(new PhaseFigures(_t0, _t0.AddSeconds(10), calls, null), null, null);

        Assert.Equal(figures, ExperimentFigures.Parse(figures.ToJson()));
        Assert.Equal(ExperimentFigures.Empty, ExperimentFigures.Parse(null));
    }
}
