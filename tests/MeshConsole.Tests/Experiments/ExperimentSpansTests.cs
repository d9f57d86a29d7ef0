using MeshConsole.Experiments;

namespace MeshConsole.Tests.Experiments;

public sealed class ExperimentSpansTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Spans_OnWholeBuckets_DuringTakesTheBucketsOfItsEnds_NoBucketTwice()
    {
        var spans = ExperimentFigures.Spans(_t0.AddSeconds(3), _t0.AddSeconds(17));

        Assert.Equal((_t0, _t0.AddSeconds(20)), spans.During);
        Assert.Equal((_t0.AddSeconds(-20), _t0), spans.Before);
        Assert.Equal((_t0.AddSeconds(20), _t0.AddSeconds(40)), spans.After);
    }

    [Fact]
    public void Spans_AlignedRun_KeepsItsEnds()
    {
        var spans = ExperimentFigures.Spans(_t0, _t0.AddMinutes(5));

        Assert.Equal((_t0, _t0.AddMinutes(5)), spans.During);
        Assert.Equal((_t0.AddMinutes(-5), _t0), spans.Before);
    }

    [Fact]
    public void Spans_StoppedAtOnce_StillOneBucket()
    {
        var spans = ExperimentFigures.Spans(_t0, _t0);

        Assert.Equal((_t0, _t0.AddSeconds(10)), spans.During);
    }

    [Fact]
    public void Spans_LongRun_AfterAtMostAnHour()
    {
        var spans = ExperimentFigures.Spans(_t0, _t0.AddHours(3));

        Assert.Equal((_t0.AddHours(3), _t0.AddHours(4)), spans.After);
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
