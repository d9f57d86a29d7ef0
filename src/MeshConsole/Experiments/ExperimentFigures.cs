using System.Text.Json;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Experiments;

/// <summary>What the target's inbound calls (and the condition's edge, when there is one) looked like over one span.</summary>
public sealed record PhaseFigures(DateTimeOffset From, DateTimeOffset To, CallFigures Target, CallFigures? Edge);

/// <summary>
/// An experiment's result: the span as long as it ran just before it started, the run itself, and a span as
/// long after it ended (at most <see cref="MaxAfter"/>), filled in once that span has passed.
/// </summary>
public sealed record ExperimentFigures(PhaseFigures? Before, PhaseFigures? During, PhaseFigures? After)
{
    /// <summary>The after span stops here for long experiments: an hour shows whether the service recovered.</summary>
    public static readonly TimeSpan MaxAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after a span ends its figures are read: sidecars export calls in batches a few seconds late, and a
    /// span read at once would miss its last seconds (and over-weigh its first).
    /// </summary>
    public static readonly TimeSpan ExportDelay = TimeSpan.FromSeconds(15);

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public static ExperimentFigures Empty { get; } = new(null, null, null);

    /// <summary>
    /// The three spans of an experiment that ran from <paramref name="startedAt"/> to <paramref name="endedAt"/>, on
    /// whole 10-second buckets so that no bucket counts in two of them: during takes the buckets its start and end fall
    /// in (the fault acted in both), before is as long and ends where it starts, after is as long (at most
    /// <see cref="MaxAfter"/>) and starts where it ends.
    /// </summary>
    public static ExperimentSpans Spans(DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
        var bucket = ChartSpans.Bucket.Ticks;
        var from = startedAt.UtcTicks - (startedAt.UtcTicks % bucket);
        var to = Math.Max(endedAt.UtcTicks + ((bucket - (endedAt.UtcTicks % bucket)) % bucket), from + bucket);
        var during = (new DateTimeOffset(from, TimeSpan.Zero), new DateTimeOffset(to, TimeSpan.Zero));
        var length = TimeSpan.FromTicks(to - from);
        return new ExperimentSpans(
            (during.Item1 - length, during.Item1),
            during,
            (during.Item2, during.Item2 + (length < MaxAfter ? length : MaxAfter)));
    }

    public string ToJson() => JsonSerializer.Serialize(this, _json);

    public static ExperimentFigures Parse(string? json) =>
        string.IsNullOrEmpty(json) ? Empty : JsonSerializer.Deserialize<ExperimentFigures>(json, _json) ?? Empty;
}

/// <summary>The before, during and after spans of an experiment (see <see cref="ExperimentFigures.Spans"/>).</summary>
public sealed record ExperimentSpans(
    (DateTimeOffset From, DateTimeOffset To) Before,
    (DateTimeOffset From, DateTimeOffset To) During,
    (DateTimeOffset From, DateTimeOffset To) After);
