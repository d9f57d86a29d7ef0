using Mesh.Store;
using MeshConsole.Telemetry;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.Options;

namespace MeshConsole.Topology;

/// <summary>
/// The topology as the page and <c>GET /api/topology</c> read it: live from the aggregator, or replayed
/// from the stored per-minute rollups when a moment is named.
/// </summary>
public sealed class TopologyReader(
    TopologyAggregator aggregator, IServiceScopeFactory scopes, IOptions<TopologyOptions> options, TimeProvider time)
{
    public HealthThresholds Thresholds { get; } = new(options.Value.AmberErrorPercent, options.Value.RedErrorPercent);

    /// <summary>How far back replay can go: the rollups' retention.</summary>
    public TimeSpan ReplayRetention => options.Value.RollupRetention;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The view over <paramref name="window"/> ending now, or at the start of the minute of <paramref name="at"/>.</summary>
    public async Task<TopologyView> ReadAsync(TimeSpan window, DateTimeOffset? at, CancellationToken ct)
    {
        if (at is not { } moment)
            return aggregator.Snapshot(window, Thresholds);

        // A replay ends at the start of the minute named: rollups hold whole minutes.
        var end = RollupWriter.MinuteOf(moment);
        return Rollups.Merge(await MinutesAsync(end, window, ct).ConfigureAwait(false), end, window, Thresholds);
    }

    /// <summary>The calls of the edges <paramref name="include"/> picks, step by step over the window.</summary>
    public async Task<IReadOnlyList<SeriesPoint>> SeriesAsync(TimeSpan window, DateTimeOffset? at, Func<EdgeKey, bool> include, CancellationToken ct)
    {
        if (at is not { } moment)
            return aggregator.Series(window, include);

        var end = RollupWriter.MinuteOf(moment);
        return Rollups.Series(await MinutesAsync(end, window, ct).ConfigureAwait(false), end, window, include);
    }

    private async Task<IReadOnlyList<EdgeMinute>> MinutesAsync(DateTimeOffset end, TimeSpan window, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var rollups = scope.ServiceProvider.GetRequiredService<RollupStore>();
        var rows = await rollups.ReadAsync((end - window).ToUnixTimeSeconds(), end.ToUnixTimeSeconds(), ct).ConfigureAwait(false);
        return [.. RollupWriter.Read(rows)];
    }
}
