using Mesh.Store;
using MeshConsole.Telemetry;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Experiments;

/// <summary>
/// Reads the calls of a span: from the live aggregator's 10-second buckets while it holds the whole span, else
/// from the stored per-minute rollups of every replica (after a restart, or past the hour the buckets keep),
/// widened to the whole minutes around the span.
/// </summary>
public sealed class FigureReader(TopologyAggregator aggregator, IServiceScopeFactory scopes)
{
    public CallFigures? Live(DateTimeOffset from, DateTimeOffset to, Func<EdgeKey, bool> include) => aggregator.Calls(from, to, include);

    public async Task<CallFigures> ReadAsync(DateTimeOffset from, DateTimeOffset to, Func<EdgeKey, bool> include, CancellationToken ct)
    {
        if (aggregator.Calls(from, to, include) is { } live)
            return live;

        var first = RollupWriter.MinuteOf(from);
        var last = RollupWriter.MinuteOf(to.AddTicks(-1)).AddMinutes(1);
        await using var scope = scopes.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<RollupStore>()
            .ReadAsync(first.ToUnixTimeSeconds(), last.ToUnixTimeSeconds(), ct).ConfigureAwait(false);
        return CallFigures.FromMinutes(RollupWriter.Read(rows), include, (last - first).TotalSeconds);
    }

    /// <summary>The target's inbound calls and the condition's edge over one span.</summary>
    public async Task<PhaseFigures> PhaseAsync(
        string target, AbortCondition? condition, (DateTimeOffset From, DateTimeOffset To) span, CancellationToken ct)
    {
        var inbound = await ReadAsync(span.From, span.To, k => string.Equals(k.Destination, target, StringComparison.Ordinal), ct).ConfigureAwait(false);
        var edge = condition is null ? null : await ReadAsync(span.From, span.To, condition.Includes, ct).ConfigureAwait(false);
        return new PhaseFigures(span.From, span.To, inbound, edge);
    }
}
