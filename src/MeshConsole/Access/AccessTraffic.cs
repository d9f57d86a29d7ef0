using Mesh.Policy.Access;
using Mesh.Policy.Documents;
using Mesh.Store;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Access;

/// <summary>
/// What the access page judges: the services of the mesh (the catalog, the sidecars' registry, the last
/// hour's telemetry and the names the rules use) and the edges seen in the last hour.
/// </summary>
public sealed class AccessTraffic(TopologyAggregator aggregator, IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>How far back the impact of a draft looks.</summary>
    public static readonly TimeSpan Window = AggregationWindows.OneHour;

    /// <summary>
    /// The pairs with calls in the last hour, protocols merged (a rule does not tell HTTP from gRPC): this
    /// replica's live window, and every replica's stored minutes, so an edge is not missed after a restart or
    /// because its sidecars export to another replica. Each pair counts the larger of the two tallies (the live
    /// one holds the minute not yet stored; the stored ones hold the other replicas). Calls from outside the
    /// mesh are judged as a caller without identity, as the callee's sidecar judges them; calls leaving the
    /// mesh are left out, as no sidecar of ours judges them.
    /// </summary>
    public async Task<IReadOnlyList<ObservedEdge>> LastHourAsync(CancellationToken ct = default)
    {
        var live = Pairs(aggregator.Snapshot(Window).Edges.Select(e => (e.Key.Source, e.Key.Destination, e.Requests)));
        var to = Telemetry.RollupWriter.MinuteOf(time.GetUtcNow()).AddMinutes(1);
        IReadOnlyList<Mesh.Store.Entities.TopologyRollup> rows;
        await using (var scope = scopes.CreateAsyncScope())
        {
            rows = await scope.ServiceProvider.GetRequiredService<RollupStore>()
                .ReadAsync((to - Window).ToUnixTimeSeconds(), to.ToUnixTimeSeconds(), ct).ConfigureAwait(false);
        }
        var stored = Pairs(rows.Select(r => (r.Source, r.Destination, r.Requests)));

        return [.. live.Keys.Union(stored.Keys)
            .Select(pair => new ObservedEdge(pair.Source, pair.Destination, Math.Max(live.GetValueOrDefault(pair), stored.GetValueOrDefault(pair))))
            .OrderBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.Destination, StringComparer.Ordinal)];
    }

    private static Dictionary<(string Source, string Destination), long> Pairs(IEnumerable<(string Source, string Destination, long Requests)> edges) =>
        edges.Where(e => e.Requests > 0 && e.Destination != External.Name)
            .GroupBy(e => (Source: e.Source == External.Name ? AccessEvaluator.Unauthenticated : e.Source, e.Destination))
            .ToDictionary(g => g.Key, g => g.Sum(e => e.Requests));

    /// <summary>Every service the mesh knows of: declared, registered by a sidecar, or seen in the last hour's telemetry.</summary>
    public async Task<IReadOnlySet<string>> KnownServicesAsync(CancellationToken ct = default)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var catalog = await scope.ServiceProvider.GetRequiredService<ConfigStore>().ListAsync(ConfigKind.Service, ct).ConfigureAwait(false);
            names.UnionWith(catalog.Select(o => o.Target));
            var instances = await scope.ServiceProvider.GetRequiredService<InstanceStore>().ListAsync(ct).ConfigureAwait(false);
            names.UnionWith(instances.Select(i => i.Service));
        }

        foreach (var edge in aggregator.Snapshot(Window).Edges)
            names.UnionWith([edge.Key.Source, edge.Key.Destination]);
        names.Remove(External.Name);
        return names;
    }

    /// <summary><paramref name="known"/> and the services <paramref name="policies"/> name, sorted: the matrix's rows and columns.</summary>
    public static IReadOnlyList<string> MatrixServices(IReadOnlySet<string> known, params AccessPolicy[] policies)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(policies);
        var names = new SortedSet<string>(known, StringComparer.Ordinal);
        foreach (var rule in policies.SelectMany(p => p.Rules))
            names.UnionWith([rule.Source, rule.Destination]);
        names.ExceptWith([AccessEvaluator.Any, ""]);
        return [.. names];
    }
}
