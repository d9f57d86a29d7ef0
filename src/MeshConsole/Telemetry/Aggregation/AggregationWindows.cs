namespace MeshConsole.Telemetry.Aggregation;

/// <summary>The windows the topology is served over, and their short names ("1m", "5m", "15m", "1h").</summary>
public static class AggregationWindows
{
    public static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan FifteenMinutes = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan OneHour = TimeSpan.FromHours(1);

    public static IReadOnlyList<TimeSpan> All { get; } = [OneMinute, FiveMinutes, FifteenMinutes, OneHour];

    public static bool TryParse(string? text, out TimeSpan window)
    {
        window = text switch
        {
            "1m" => OneMinute,
            "5m" => FiveMinutes,
            "15m" => FifteenMinutes,
            "1h" => OneHour,
            _ => TimeSpan.Zero,
        };
        return window != TimeSpan.Zero;
    }

    public static string Format(TimeSpan window) =>
        window.Ticks % TimeSpan.TicksPerHour == 0 ? $"{window.Ticks / TimeSpan.TicksPerHour}h"
        : window.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{window.Ticks / TimeSpan.TicksPerMinute}m"
        : $"{window.TotalSeconds}s";
}
