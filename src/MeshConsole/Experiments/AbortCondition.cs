using System.Globalization;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Experiments;

/// <summary>
/// "Error % on the edge <paramref name="Source"/> → <paramref name="Destination"/> above <paramref name="ErrorPercent"/>
/// for <paramref name="For"/>". The error % is read over <see cref="Trailing"/> (the edge's current and previous
/// 10-second buckets); a span without a call does not hold, so an idle edge never aborts an experiment.
/// </summary>
public sealed record AbortCondition(string Source, string Destination, double ErrorPercent, TimeSpan For)
{
    /// <summary>How far back each reading looks: one bucket, so two buckets are read at most.</summary>
    public static readonly TimeSpan Trailing = TimeSpan.FromSeconds(10);

    public bool Includes(EdgeKey key) =>
        string.Equals(key.Source, Source, StringComparison.Ordinal) && string.Equals(key.Destination, Destination, StringComparison.Ordinal);

    public bool HoldsFor(CallFigures? reading) => reading is { Requests: > 0 } calls && calls.ErrorPercent > ErrorPercent;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"error % on {Source}→{Destination} above {ErrorPercent:0.##} for {For.TotalSeconds:0} s");

    /// <summary>The experiment's condition; null when it has none.</summary>
    public static AbortCondition? Of(Mesh.Store.Entities.Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        return experiment is { ConditionSource: { } source, ConditionDestination: { } destination, ConditionErrorPercent: { } percent, ConditionForSeconds: { } seconds }
            ? new AbortCondition(source, destination, percent, TimeSpan.FromSeconds(seconds))
            : null;
    }
}
