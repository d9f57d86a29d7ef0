using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class AggregationWindowsTests
{
    [Theory]
    [InlineData("1m", 60)]
    [InlineData("5m", 300)]
    [InlineData("15m", 900)]
    [InlineData("1h", 3600)]
    public void TryParse_KnownName_ReturnsWindowAndFormatsBack(string text, int seconds)
    {
        Assert.True(AggregationWindows.TryParse(text, out var window));
        Assert.Equal(TimeSpan.FromSeconds(seconds), window);
        Assert.Equal(text, AggregationWindows.Format(window));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2m")]
    [InlineData("1H")]
    public void TryParse_UnknownName_ReturnsFalse(string? text) =>
        Assert.False(AggregationWindows.TryParse(text, out _));
}
