namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// What the drill-down shows of one span. Ids are lower-case hex (32 and 16 digits);
/// <paramref name="Status"/> is the caller's wording of the outcome (e.g. "200", "UNAVAILABLE", "Error").
/// </summary>
public sealed record SpanSummary(
    string TraceId,
    string SpanId,
    string Name,
    DateTimeOffset Start,
    TimeSpan Duration,
    string Status,
    bool IsError);
