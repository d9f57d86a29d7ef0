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

    public static (DateTimeOffset From, DateTimeOffset To) BeforeSpan(DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        (startedAt - (endedAt - startedAt), startedAt);

    public static (DateTimeOffset From, DateTimeOffset To) AfterSpan(DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
        var length = endedAt - startedAt;
        return (endedAt, endedAt + (length < MaxAfter ? length : MaxAfter));
    }

    public string ToJson() => JsonSerializer.Serialize(this, _json);

    public static ExperimentFigures Parse(string? json) =>
        string.IsNullOrEmpty(json) ? Empty : JsonSerializer.Deserialize<ExperimentFigures>(json, _json) ?? Empty;
}
