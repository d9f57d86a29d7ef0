using System.Globalization;
using Mesh.Store.Entities;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Experiments;

/// <summary>How the pages word an experiment's parts.</summary>
public static class ExperimentText
{
    public static string Fault(Experiment e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var parts = new List<string>();
        if (e.DelayMs is { } ms)
            parts.Add(Invariant($"delay {ms} ms to {e.DelayPercent:0.##} %"));
        if (e.AbortPercent is { } percent)
        {
            var status = e.AbortHttpStatus is { } http ? Invariant($"HTTP {http}") : Invariant($"gRPC {e.AbortGrpcStatus}");
            parts.Add(Invariant($"abort {status} to {percent:0.##} %"));
        }

        if (e.SourceService is { } source)
            parts.Add($"from {source}");
        if (e.HeaderName is { } header)
            parts.Add($"when {header}: {e.HeaderValue}");
        return string.Join(", ", parts);
    }

    public static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Clock(DateTimeOffset at) => at.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Rate(CallFigures? f) => f is null ? "–" : Invariant($"{f.RequestsPerSecond:0.##}/s");

    public static string Errors(CallFigures? f) => f is null || f.Requests == 0 ? "–" : Invariant($"{f.ErrorPercent:0.#} %");

    public static string Millis(double? ms) => ms is { } v ? Invariant($"{v:0.#} ms") : "–";

    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? Invariant($"{(int)span.TotalHours} h {span.Minutes} min")
        : span.TotalMinutes >= 1 ? Invariant($"{(int)span.TotalMinutes} min {span.Seconds} s")
        : Invariant($"{(int)span.TotalSeconds} s");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
