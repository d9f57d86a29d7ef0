using HdrHistogram;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class LatencyHistogramTests
{
    private static readonly double[] _percentiles = [0, 0.1, 1, 10, 25, 33.3, 50, 66.7, 90, 95, 99, 99.9, 99.99, 100];

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(2, 3, 5)]
    [InlineData(3, 40, 8)]
    [InlineData(4, 2_000, 12)]
    [InlineData(5, 20_000, 21)]
    [InlineData(6, 20_000, 30)]
    public void ValueAtPercentile_TwoParts_SameAsOneHdrHistogramOfAllCalls(int seed, int calls, int spread)
    {
        var random = new Random(seed);
        var reference = new LongHistogram(LatencyHistogram.HighestTrackableMicroseconds, LatencyHistogram.SignificantDigits);
        var (a, b) = (new Dictionary<int, long>(), new Dictionary<int, long>());
        for (var i = 0; i < calls; i++)
        {
            var micros = (long)Math.Exp(random.NextDouble() * spread);
            var count = random.Next(1, 4);
            reference.RecordValueWithCount(Math.Min(micros, LatencyHistogram.HighestTrackableMicroseconds), count);
            var part = random.Next(3) == 0 ? a : b;
            var quantized = LatencyHistogram.Quantize(TimeSpan.FromMicroseconds(micros));
            part[quantized] = part.GetValueOrDefault(quantized) + count;
        }
        var (first, second) = (LatencyDistribution.From(a), LatencyDistribution.From(b));

        Assert.All(_percentiles, p => Assert.Equal(reference.GetValueAtPercentile(p), LatencyHistogram.ValueAtPercentile(p, first, second)));
        Assert.All(_percentiles, p => Assert.Equal(reference.GetValueAtPercentile(p), LatencyHistogram.ValueAtPercentile(p, second, first)));
    }

    [Fact]
    public void With_TakingCallsAway_LeavesTheRestAndDropsEmptiedValues()
    {
        var all = LatencyDistribution.From(new Dictionary<int, long> { [10] = 3, [20] = 1, [30] = 2 });

        var less = all.With(new Dictionary<int, long> { [20] = -1, [30] = -1, [40] = 5 });

        Assert.Equal([new(TimeSpan.FromMicroseconds(10), 3), new(TimeSpan.FromMicroseconds(30), 1), new LatencySample(TimeSpan.FromMicroseconds(40), 5)], less.ToSamples());
        Assert.Equal(9, less.Total);
        Assert.Equal(6, all.Total);
        Assert.Same(LatencyDistribution.Empty, less.With(new Dictionary<int, long> { [10] = -3, [30] = -1, [40] = -5 }));
    }

    [Fact]
    public void Quantiles_NoCalls_Null() =>
        Assert.Null(LatencyHistogram.Quantiles(LatencyDistribution.Empty, LatencyDistribution.Empty));
}
