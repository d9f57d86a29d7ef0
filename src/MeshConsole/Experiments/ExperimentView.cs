using Mesh.Store.Entities;

namespace MeshConsole.Experiments;

/// <summary>An experiment as REST answers it: what was asked, where it stands, and its figures.</summary>
public sealed record ExperimentView(
    long Id,
    string Name,
    string State,
    string Target,
    string? SourceService,
    string? HeaderName,
    string? HeaderValue,
    int? DelayMs,
    double? DelayPercent,
    int? AbortHttpStatus,
    int? AbortGrpcStatus,
    double? AbortPercent,
    int DurationSeconds,
    ConditionView? Condition,
    string FaultName,
    string Reason,
    string StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset EndsAt,
    DateTimeOffset? EndedAt,
    string? EndedBy,
    string? EndReason,
    long? StartRevision,
    long? EndRevision,
    double Progress,
    ExperimentFigures? Figures)
{
    public static ExperimentView From(Experiment e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(
            e.Id, e.Name, StateWord(e.State), e.Target, e.SourceService, e.HeaderName, e.HeaderValue,
            e.DelayMs, e.DelayPercent, e.AbortHttpStatus, e.AbortGrpcStatus, e.AbortPercent, e.DurationSeconds,
            AbortCondition.Of(e) is { } c ? new ConditionView(c.Source, c.Destination, c.ErrorPercent, (int)c.For.TotalSeconds) : null,
            ExperimentFaults.RuleName(e.Id), e.Reason, e.StartedBy, e.StartedAt, e.EndsAt, e.EndedAt, e.EndedBy, e.EndReason,
            e.StartRevision, e.EndRevision, ProgressOf(e, now),
            e.Figures is null ? null : ExperimentFigures.Parse(e.Figures));
    }

    /// <summary>The word for a state in REST and on the pages: running, completed, aborted, stopped.</summary>
    public static string StateWord(ExperimentState state) => state.ToString().ToLowerInvariant();

    /// <summary>How far through its planned duration the experiment is (or got), 0–100.</summary>
    public static double ProgressOf(Experiment e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        var planned = (e.EndsAt - e.StartedAt).TotalSeconds;
        var elapsed = ((e.EndedAt ?? now) - e.StartedAt).TotalSeconds;
        return planned <= 0 ? 100 : Math.Clamp(100 * elapsed / planned, 0, 100);
    }
}

/// <summary>The abort condition: error % on Source → Destination above ErrorPercent for ForSeconds.</summary>
public sealed record ConditionView(string Source, string Destination, double ErrorPercent, int ForSeconds);
